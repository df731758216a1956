import type { Logger } from 'pino';
import { ToolError } from '@mcp-hub/connector-kit';
import type { ChannelAllowlist } from './channel-allowlist';
import { channelHistoryUri } from './channel-resources';
import type { SlackClient } from './slack-client';

/**
 * Polls the newest message of every allowlisted channel and announces a channel's history
 * resource as updated when a newer one appears; the hub forwards that only to the clients
 * subscribed to it. The first round only records where each channel stands. A round never
 * overlaps the next; a rate-limited channel is skipped until its next round.
 *
 * Every replica polls; run the others with `pollIntervalMs: 0` to spare the rate limit.
 */
export class ChannelPoller {
  private readonly newest = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private readonly stopped = new AbortController();

  constructor(
    private readonly slack: SlackClient,
    private readonly channels: ChannelAllowlist,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(announce: (uri: string) => void): void {
    if (this.intervalMs <= 0) return;
    const round = async () => {
      await this.poll(announce);
      if (!this.stopped.signal.aborted) this.timer = setTimeout(() => void round(), this.intervalMs);
    };
    this.timer = setTimeout(() => void round(), 0);
  }

  stop(): void {
    this.stopped.abort();
    clearTimeout(this.timer);
  }

  private async poll(announce: (uri: string) => void): Promise<void> {
    for (const { id } of this.channels.channels()) {
      if (this.stopped.signal.aborted) return;
      const ctx = { signal: this.stopped.signal, deadline: Date.now() + Math.max(1000, Math.min(this.intervalMs, 10_000)) };
      try {
        const response = await this.slack.call(ctx, 'conversations.history', (c) => c.conversations.history({ channel: id, limit: 1 }), { retrySafe: true });
        // An empty channel stands at 0, so that its first message is news too.
        const ts = response.messages?.[0]?.ts ?? '0';
        const before = this.newest.get(id);
        this.newest.set(id, ts);
        if (before !== undefined && Number(ts) > Number(before)) announce(channelHistoryUri(id));
      } catch (error) {
        if (this.stopped.signal.aborted) return;
        const reason = error instanceof ToolError ? `${error.kind}: ${error.message}` : 'unexpected error';
        this.logger.warn({ channel: id }, `polling the channel failed (${reason})`);
      }
    }
  }
}
