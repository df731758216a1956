import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Principal } from '@mcp-hub/connector-contract';
import type { Hub } from '../hub';
import { admitClient, type HeldByClient } from './admit-client';
import { HttpError } from './http-error';

/** Retry-After sent to a client at its listen-stream quota: streams have no idle time to wait for. */
const RETRY_AFTER_SECONDS = 30;

export interface ListenStreamsOptions {
  hub: Hub;
  /** Most streams open at once; a new one beyond it closes the oldest stream of the client holding the most. */
  maxStreams: number;
  /** Most streams one client holds at once; more get 429. */
  maxStreamsPerClient: number;
  /** Most resources one stream's filter names. */
  maxResourceSubscriptions: number;
}

class OpenStream implements HeldByClient {
  readonly lastActivity = Date.now();
  constructor(
    readonly clientKey: string,
    readonly res: ServerResponse,
  ) {}
}

/**
 * The 2026 `subscriptions/listen` streams open on this replica, checked before the SDK serves
 * them: per-client quotas, a bounded table that evicts instead of refusing everyone, and a
 * filter naming only resources a live connector serves.
 */
export class ListenStreams {
  private readonly open = new Set<OpenStream>();

  constructor(private readonly options: ListenStreamsOptions) {}

  get size(): number {
    return this.open.size;
  }

  /**
   * Admits the listen request in `body`, if it is one (its resources must be ones `principal`, the
   * authenticated caller, may read), and tracks its stream until the response
   * closes; returns at once for any other request.
   * @throws HttpError 429 when the client holds its quota, 400 (-32602) for a filter naming too
   *   many resources or one no connector serves
   */
  async admit(res: ServerResponse, body: unknown, clientKey: string, principal?: Principal): Promise<void> {
    const listen = (Array.isArray(body) ? body : [body]).find(isListenRequest);
    if (!listen) return;
    this.checkFilter(listen.params?.notifications?.resourceSubscriptions, principal);
    const admission = admitClient(this.open, clientKey, {
      total: this.options.maxStreams,
      perClient: this.options.maxStreamsPerClient,
      retryAfterMs: RETRY_AFTER_SECONDS * 1000,
    });
    if (!admission.admitted) {
      throw new HttpError(
        429,
        -32000,
        `Too many listen streams: this client holds ${this.options.maxStreamsPerClient} open already; close one or retry later`,
        RETRY_AFTER_SECONDS,
      );
    }
    // Counted from now, before any wait, so concurrent requests cannot pass the quota together.
    const stream = new OpenStream(clientKey, res);
    this.open.add(stream);
    res.once('close', () => this.open.delete(stream));
    if (admission.evict) {
      const victim = admission.evict.res;
      // Closing the response aborts the SDK's side of the stream, which frees its slot there too.
      const closed = victim.closed ? Promise.resolve() : once(victim, 'close');
      victim.destroy();
      await closed;
    }
  }

  /** A resource the authenticated principal may not read is as unknown as one nobody serves: its updates would tell it exists. */
  private checkFilter(uris: unknown, principal: Principal | undefined): void {
    if (!Array.isArray(uris)) return; // absent or malformed: the SDK answers the latter
    if (uris.length > this.options.maxResourceSubscriptions) {
      throw new HttpError(400, -32602, `Invalid params for subscriptions/listen: notifications.resourceSubscriptions names ${uris.length} resources; at most ${this.options.maxResourceSubscriptions}`);
    }
    const unknown = uris.find((uri) => typeof uri === 'string' && !this.options.hub.servesResource(uri, principal));
    if (typeof unknown === 'string') {
      throw new HttpError(400, -32602, `Invalid params for subscriptions/listen: unknown resource ${unknown.slice(0, 200)} in notifications.resourceSubscriptions (no connector serves it)`);
    }
  }
}

interface ListenRequest {
  method: 'subscriptions/listen';
  params?: { notifications?: { resourceSubscriptions?: unknown } };
}

function isListenRequest(message: unknown): message is ListenRequest {
  return typeof message === 'object' && message !== null && (message as { method?: unknown }).method === 'subscriptions/listen';
}
