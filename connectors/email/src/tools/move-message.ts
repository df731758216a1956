import { z } from 'zod';
import { defineTool, ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';
import { MailboxNameSchema, UidSchema } from '../mail-fields';
import { onStore } from '../message-lookup';
import { messageUri, publishMessageChanged } from '../message-uris';

export const moveMessageTool = defineTool({
  name: 'move_message',
  title: 'Move message',
  description: 'Moves a message to another mailbox (archive it, file it). Its UID changes: use the one returned.',
  input: z.strictObject({ mailbox: MailboxNameSchema.default('INBOX'), uid: UidSchema, destination: MailboxNameSchema }),
  output: z.object({ mailbox: z.string(), uid: z.number().int().nullable().describe('UID in the destination, when the server said.'), uri: z.string().nullable() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async ({ mailbox, uid, destination }, ctx, deps: EmailDeps) => {
    if (destination === mailbox) throw new ToolError('invalid_arguments', 'The message is already in that mailbox.');
    const known = new Set((await deps.store.listMailboxes(ctx.signal)).map((m) => m.name));
    if (!known.has(destination)) throw new ToolError('not_found', `There is no mailbox "${destination}".`);
    const moved = await onStore(() => deps.store.move(mailbox, uid, destination, ctx.signal));
    if (!moved.moved) throw new ToolError('not_found', `There is no message ${uid} in ${mailbox}.`);
    publishMessageChanged(ctx, mailbox, uid);
    publishMessageChanged(ctx, destination, moved.uid);
    const uri = moved.uid === undefined ? null : messageUri(destination, moved.uid);
    return { structured: { mailbox: destination, uid: moved.uid ?? null, uri }, text: `Moved message ${uid} from ${mailbox} to ${destination}${moved.uid === undefined ? '' : ` (now ${moved.uid})`}.` };
  },
});
