import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import type { SlackDeps } from '../slack-deps';
import { UserSchema, toUserView, userLine } from '../user-view';

export const getUserTool = defineTool({
  name: 'get_user',
  title: 'Get user',
  description: 'Reads one Slack user by id (U… or W…): names, time zone, bot and deactivated flags; no email unless the operator enabled it.',
  input: z.strictObject({ user: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id (U… or W…)') }),
  output: z.object({ user: UserSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const response = await deps.slack.call(ctx, 'users.info', (c) => c.users.info({ user: args.user }), { retrySafe: true });
    const user = toUserView(response.user ?? { id: args.user }, deps.includeEmails);
    return { structured: { user }, text: fenceUntrusted(`slack:user:${user.id}`, userLine(user)) };
  },
});
