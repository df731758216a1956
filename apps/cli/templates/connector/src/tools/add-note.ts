import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent, ToolError } from '@mcp-hub/connector-kit';
import type { Deps } from '../note-store';

const name = 'add_note';

export const addNoteTool = defineTool({
  name,
  title: 'Add note',
  description: 'Adds a note. Only in write mode.',
  input: z.strictObject({ text: z.string().min(1).max(2000), idempotency_key: IdempotencyKeySchema }),
  output: z.object({ id: z.number() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, ctx, deps: Deps) =>
    // A retry with the same idempotency_key gets the first result back instead of a second note.
    runIdempotent(deps.idempotency, ctx, name, args, async () => {
      const note = deps.notes.add(args.text);
      if (!note) throw new ToolError('conflict', `The store is full (${deps.notes.maxNotes} notes).`);
      return { structured: { id: note.id }, text: `Added note #${note.id}.` };
    }),
});
