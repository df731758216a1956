import { ToolError } from '@mcp-hub/connector-kit';
import type { SlackCallContext, SlackClient } from './slack-client';

/** A channel the connector may read and write. */
export interface AllowedChannel {
  id: string;
  name: string;
  isPrivate: boolean;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,20}$/;
const DIRECT_MESSAGE_ID = /^D[A-Z0-9]{2,20}$/;
/** Largest workspace scanned at start: 50 pages of 200 channels. */
const MAX_LIST_PAGES = 50;

/** A configured channel name or id that Slack does not show the bot: start-up stops. */
export class ChannelAllowlistError extends Error {
  override readonly name = 'ChannelAllowlistError';
}

/**
 * The channels reads and writes may touch, resolved once at start from ids and names to ids
 * (a renamed channel keeps its id, so a later rename cannot widen the list). Direct messages
 * (`D…`) are allowed only when configured. Every tool checks its channel here before calling
 * Slack; a channel outside the list is refused as `forbidden`.
 */
export class ChannelAllowlist {
  private readonly byName: ReadonlyMap<string, string>;

  private constructor(
    private readonly byId: ReadonlyMap<string, AllowedChannel>,
    readonly allowDirectMessages: boolean,
  ) {
    this.byName = new Map([...byId.values()].map((c) => [c.name, c.id]));
  }

  /**
   * Resolves configured refs against the channels the bot can see (conversations.list, paged).
   * @throws ChannelAllowlistError naming the refs Slack does not show.
   */
  static async resolve(slack: SlackClient, ctx: SlackCallContext, refs: readonly string[], allowDirectMessages: boolean): Promise<ChannelAllowlist> {
    const visible = new Map<string, AllowedChannel>();
    let cursor: string | undefined;
    for (let page = 0; refs.length > 0 && page < MAX_LIST_PAGES; page++) {
      const response = await slack.call(ctx, 'conversations.list', (c) => c.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 200, cursor }), { retrySafe: true });
      for (const channel of response.channels ?? []) {
        if (channel.id && channel.name) visible.set(channel.id, { id: channel.id, name: channel.name, isPrivate: channel.is_private === true });
      }
      cursor = response.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    const names = new Map([...visible.values()].map((c) => [c.name, c]));
    const allowed = new Map<string, AllowedChannel>();
    const missing: string[] = [];
    for (const ref of refs) {
      const channel = CHANNEL_ID.test(ref) ? visible.get(ref) : names.get(ref.replace(/^#/, ''));
      if (channel) allowed.set(channel.id, channel);
      else missing.push(ref);
    }
    if (missing.length > 0) {
      throw new ChannelAllowlistError(`channels: Slack shows the bot no channel ${missing.join(', ')} (not found, archived, or private without the bot in it)`);
    }
    return new ChannelAllowlist(allowed, allowDirectMessages);
  }

  /** The allowlisted channels, in configuration order. */
  channels(): AllowedChannel[] {
    return [...this.byId.values()];
  }

  has(id: string): boolean {
    return this.byId.has(id) || (this.allowDirectMessages && DIRECT_MESSAGE_ID.test(id));
  }

  nameOf(id: string): string | undefined {
    return this.byId.get(id)?.name;
  }

  /**
   * The channel id of a tool argument (an id, `#name` or `name`).
   * @throws ToolError `forbidden` for a channel outside the allowlist or a direct message while they are off.
   */
  resolve(ref: string): string {
    const id = this.byId.has(ref) ? ref : this.byName.get(ref.replace(/^#/, ''));
    if (id) return id;
    if (DIRECT_MESSAGE_ID.test(ref)) {
      if (this.allowDirectMessages) return ref;
      throw new ToolError('forbidden', 'Direct messages are off for this connector. An operator can allow them with allowDirectMessages.');
    }
    const allowed = this.channels().map((c) => `#${c.name}`).join(', ') || 'none';
    throw new ToolError('forbidden', `Channel ${ref.slice(0, 100)} is not in the connector's allowlist. Allowed channels: ${allowed}.`);
  }
}
