import { z } from 'zod';

/**
 * Published by the hub replica that received a client's `notifications/cancelled` to every hub
 * replica ({@link subjects.sessionCancellations}). Behind a balancer without affinity the
 * notification may reach a replica other than the one running the request: the one that holds
 * the session's request hands it to its own SDK server, which aborts the call. Hubs only;
 * connectors may neither publish nor read it (it names sessions).
 */
export const SessionCancellationSchema = z.object({
  /** The sending replica, which has handled the notification itself already. */
  hubId: z.string().regex(/^[a-zA-Z0-9-]{1,64}$/),
  sessionId: z.string().uuid(),
  /** The JSON-RPC id of the client's request. */
  requestId: z.union([z.string().max(200), z.number().int()]),
  reason: z.string().max(1000).optional(),
});
export type SessionCancellation = z.infer<typeof SessionCancellationSchema>;
