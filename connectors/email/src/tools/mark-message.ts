import { z } from 'zod';
import { defineTool, ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';
import { MailboxNameSchema, UidSchema } from '../mail-fields';
import { onStore } from '../message-lookup';
import { publishMessageChanged } from '../message-uris';

const FLAGS = { seen: '\\Seen', flagged: '\\Flagged', answered: '\\Answered' } as const;

export const markMessageTool = defineTool({
  name: 'mark_message',
  title: 'Mark message',
  description: 'Marks a message read or unread, flagged or not, answered or not. Give at least one of seen, flagged, answered.',
  input: z.strictObject({
    mailbox: MailboxNameSchema.default('INBOX'),
    uid: UidSchema,
    seen: z.boolean().optional(),
    flagged: z.boolean().optional(),
    answered: z.boolean().optional(),
  }),
  output: z.object({ seen: z.boolean(), flagged: z.boolean(), answered: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, ctx, deps: EmailDeps) => {
    const changes = (Object.keys(FLAGS) as Array<keyof typeof FLAGS>).filter((key) => args[key] !== undefined);
    if (changes.length === 0) throw new ToolError('invalid_arguments', 'Give at least one of seen, flagged, answered.');
    const add = changes.filter((key) => args[key]).map((key) => FLAGS[key]);
    const remove = changes.filter((key) => !args[key]).map((key) => FLAGS[key]);
    const flags = await onStore(() => deps.store.setFlags(args.mailbox, args.uid, add, remove, ctx.signal));
    if (!flags) throw new ToolError('not_found', `There is no message ${args.uid} in ${args.mailbox}.`);
    publishMessageChanged(ctx, args.mailbox, args.uid);
    const state = { seen: flags.includes(FLAGS.seen), flagged: flags.includes(FLAGS.flagged), answered: flags.includes(FLAGS.answered) };
    return { structured: state, text: `Message ${args.uid} in ${args.mailbox}: ${Object.entries(state).map(([k, v]) => `${v ? '' : 'not '}${k}`).join(', ')}.` };
  },
});
