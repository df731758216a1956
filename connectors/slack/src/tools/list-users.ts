import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import { CursorArg, LimitArg, PageOutput } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';
import { UserSchema, toUserView, userLine } from '../user-view';

export const listUsersTool = defineTool({
  name: 'list_users',
  title: 'List users',
  description: 'Lists members of the Slack workspace (id, names, bot and deactivated flags; no email unless the operator enabled it). Paged: pass next_cursor to continue.',
  input: z.strictObject({ limit: LimitArg, cursor: CursorArg }),
  output: z.object({ users: z.array(UserSchema), ...PageOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const limit = args.limit ?? deps.pageSize;
    const response = await deps.slack.call(ctx, 'users.list', (c) => c.users.list({ limit, cursor: args.cursor }), { retrySafe: true });
    const users = (response.members ?? []).slice(0, limit).map((u) => toUserView(u, deps.includeEmails));
    const next = response.response_metadata?.next_cursor || undefined;
    const body = users.length ? fenceUntrusted('slack:users', users.map(userLine).join('\n')) : 'No users.';
    return { structured: { users, ...(next && { next_cursor: next }), truncated: next !== undefined }, text: next ? `${body}\nMore: pass cursor ${next}.` : body };
  },
});
