import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';

export const listMailboxesTool = defineTool({
  name: 'list_mailboxes',
  title: 'List mailboxes',
  description: 'Lists the mailboxes (folders) of the account with their message and unseen counts.',
  input: z.strictObject({}),
  output: z.object({
    mailboxes: z.array(
      z.object({
        name: z.string(),
        specialUse: z.string().optional().describe('\\Drafts, \\Sent, \\Trash, … when the server says.'),
        messages: z.number().int(),
        unseen: z.number().int(),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (_args, ctx, deps: EmailDeps) => {
    const mailboxes = await deps.store.listMailboxes(ctx.signal);
    const lines = mailboxes.map((m) => `- ${m.name}${m.specialUse ? ` (${m.specialUse})` : ''}: ${m.messages} messages, ${m.unseen} unseen`);
    return { structured: { mailboxes }, text: `${mailboxes.length} mailboxes:\n${lines.join('\n')}` };
  },
});
