import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { Deps } from '../note-store';

const NoteSchema = z.object({ id: z.number(), text: z.string(), created_at: z.string() });

export const listNotesTool = defineTool({
  name: 'list_notes',
  title: 'List notes',
  description: 'Lists the notes, oldest first.',
  input: z.strictObject({ limit: z.number().int().min(1).max(50).default(20).describe('Most notes returned.') }),
  output: z.object({ notes: z.array(NoteSchema), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ limit }, _ctx, deps: Deps) => {
    const all = deps.notes.list();
    const notes = all.slice(0, limit).map((n) => ({ id: n.id, text: n.text, created_at: n.createdAt }));
    return { structured: { notes, truncated: all.length > limit }, text: notes.map((n) => `#${n.id} ${n.text}`).join('\n') || 'No notes.' };
  },
});
