import { z } from 'zod';
import { cleanUntrustedText, untrusted } from '@mcp-hub/connector-kit';

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  real_name: z.string(),
  display_name: z.string(),
  is_bot: z.boolean(),
  deleted: z.boolean(),
  tz: z.string().optional(),
  /** Only when the connector is configured with includeEmails. */
  email: z.string().optional(),
  untrusted: z.literal(true),
  source: z.string(),
});
export type UserView = z.infer<typeof UserSchema>;

/** The fields of a Slack user the view reads. */
export interface SlackUser {
  id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  tz?: string;
  profile?: { display_name?: string; real_name?: string; email?: string };
}

/** A Slack user for a model: names are chosen by people, so they are cleaned and marked untrusted; the email only when configured. */
export function toUserView(user: SlackUser, includeEmails: boolean): UserView {
  const clean = (text: string | undefined) => cleanUntrustedText(text ?? '', { maxChars: 200 });
  const id = user.id ?? '';
  return {
    id,
    name: clean(user.name),
    real_name: clean(user.real_name ?? user.profile?.real_name),
    display_name: clean(user.profile?.display_name),
    is_bot: user.is_bot === true,
    deleted: user.deleted === true,
    ...(user.tz && { tz: clean(user.tz) }),
    ...(includeEmails && user.profile?.email && { email: clean(user.profile.email) }),
    ...untrusted(`slack:user:${id}`),
  };
}

export function userLine(u: UserView): string {
  return `${u.id} @${u.name}${u.real_name ? ` (${u.real_name})` : ''}${u.is_bot ? ' [bot]' : ''}${u.deleted ? ' [deactivated]' : ''}${u.email ? ` <${u.email}>` : ''}`;
}
