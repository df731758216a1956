/** Something a client holds on this replica: a 2025 session or a 2026 listen stream. */
export interface HeldByClient {
  readonly clientKey: string;
  /** When the client last used it, ms since the epoch (a listen stream: when it opened). */
  readonly lastActivity: number;
}

export interface AdmissionLimits {
  /** Most entries held at once, all clients together. */
  total: number;
  /** Most entries one client holds at once. */
  perClient: number;
  /**
   * A client at its own limit gets its longest-idle entry replaced once that entry has been idle
   * this long (a client that reconnects without closing is not locked out); until then, or
   * without this, it is refused.
   */
  reclaimIdleMs?: number;
  /** Retry-After for a refusal, ms: at most this, sooner when an entry becomes reclaimable. */
  retryAfterMs: number;
}

/** Admitted, possibly at the cost of `evict`; or refused, to retry after `retryAfterMs`. */
export type Admission<T> = { admitted: true; evict?: T } | { admitted: false; retryAfterMs: number };

/**
 * Decides whether a client may open one more entry, by two rules:
 *  - a client at its own limit is refused (or, with `reclaimIdleMs`, replaces its own
 *    longest-idle entry once that is idle enough);
 *  - when the table is full, the client holding the most entries loses its longest-idle one, so
 *    one client filling the table cannot lock everyone else out.
 * Linear in the entries held; the caller closes `evict`.
 */
export function admitClient<T extends HeldByClient>(held: Iterable<T>, clientKey: string, limits: AdmissionLimits, now = Date.now()): Admission<T> {
  const byClient = new Map<string, { count: number; idlest: T }>();
  let total = 0;
  for (const entry of held) {
    total++;
    const client = byClient.get(entry.clientKey);
    if (!client) byClient.set(entry.clientKey, { count: 1, idlest: entry });
    else {
      client.count++;
      if (entry.lastActivity < client.idlest.lastActivity) client.idlest = entry;
    }
  }
  const own = byClient.get(clientKey);
  if (own && own.count >= limits.perClient) {
    const idleFor = now - own.idlest.lastActivity;
    if (limits.reclaimIdleMs !== undefined && idleFor >= limits.reclaimIdleMs) return { admitted: true, evict: own.idlest };
    const untilReclaimable = limits.reclaimIdleMs !== undefined ? limits.reclaimIdleMs - idleFor : Infinity;
    return { admitted: false, retryAfterMs: Math.max(1, Math.min(untilReclaimable, limits.retryAfterMs)) };
  }
  if (total < limits.total) return { admitted: true };
  let heaviest: { count: number; idlest: T } | undefined;
  for (const client of byClient.values()) {
    if (!heaviest || client.count > heaviest.count || (client.count === heaviest.count && client.idlest.lastActivity < heaviest.idlest.lastActivity)) heaviest = client;
  }
  return { admitted: true, evict: heaviest?.idlest };
}
