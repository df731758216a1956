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

/**
 * Published by the hub replica that received a 2025-era client's answer to a server-to-client
 * request that another replica sent (the request id names the sender: `Subjects.clientResponses`).
 * The replica that sent it hands the answer to its SDK server, which resolves the request. Hubs
 * only, like {@link SessionCancellationSchema}.
 */
export const RelayedClientResponseSchema = z.object({
  /** The replica that sent the request (from the request id's tag). */
  toHubId: z.string().regex(/^[a-zA-Z0-9-]{1,64}$/),
  sessionId: z.string().uuid(),
  /** The client's JSON-RPC response, id still tagged. */
  response: z.union([
    z.object({ jsonrpc: z.literal('2.0'), id: z.string().max(200), result: z.record(z.string(), z.unknown()) }),
    z.object({
      jsonrpc: z.literal('2.0'),
      id: z.string().max(200),
      error: z.object({ code: z.number().int(), message: z.string().max(2000), data: z.unknown().optional() }),
    }),
  ]),
});
export type RelayedClientResponse = z.infer<typeof RelayedClientResponseSchema>;
