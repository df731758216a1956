import { z } from 'zod';
import { ClientRequestSchema } from './client-requests';
import { ToolResultSchema } from './invocation';

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

/**
 * A 2026-era client's retry of a tool call that waits for input (`input_required`), sent by the
 * replica that received it to the replica holding the call (`Subjects.roundResume`). Hubs only.
 */
export const RoundResumeSchema = z.object({
  callId: z.string().uuid(),
  /** The qualified tool name the retry named: it must be the parked call's. */
  tool: z.string().min(1).max(200),
  /** Who retried: it must be who called. */
  principalId: z.string().min(1).max(200),
  /** The client's answers by input key, checked by the holding replica against each request's result schema. */
  responses: z.record(z.string().max(20), z.unknown()),
  /** The client gave up on the relayed round: the holder cancels the call (published, no reply). */
  cancel: z.literal(true).optional(),
});
export type RoundResume = z.infer<typeof RoundResumeSchema>;

/** How one round of a 2026-era tool call ended: the call's result, or more input to ask for. */
export const RoundOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done'), result: ToolResultSchema }),
  z.object({
    kind: z.literal('input'),
    requests: z.record(z.string().max(20), ClientRequestSchema).refine((r) => Object.keys(r).length <= 20, 'at most 20 requests'),
    state: z.string().max(200),
  }),
]);
export type RoundOutcome = z.infer<typeof RoundOutcomeSchema>;
