import { z } from 'zod';

/**
 * Kinds of error a connector reports. They travel to the model as tool results
 * (`isError: true`), so every message must be safe to show: no stack, no credential.
 */
export const ErrorKindSchema = z.enum([
  /** Arguments are well-formed but make no sense (unknown status, bad range). */
  'invalid_arguments',
  'not_found',
  /** The principal or the connector's allowlist forbids this action. */
  'forbidden',
  /**
   * The upstream system refused the connector's own credentials (HTTP 401 or 403): missing,
   * expired or lacking a permission. An operator must fix the connector's configuration; the
   * same call will fail again until then.
   */
  'unauthorized',
  /** The action conflicts with the current state (illegal workflow transition, duplicate). */
  'conflict',
  /** An upstream limit was hit; `retryAfterMs` says when to try again. */
  'rate_limited',
  /** The upstream system failed or is unreachable. */
  'upstream',
  'cancelled',
  'timeout',
  /**
   * The replica is at its concurrency limit and did not start the call (nothing happened, so it
   * is always safe to send again). The hub re-sends it to the queue group, where another replica
   * may have a free slot, and tells the client only when every try was refused.
   */
  'busy',
  /** A bug in the connector. The kit replaces the message with a generic one. */
  'internal',
]);
export type ErrorKind = z.infer<typeof ErrorKindSchema>;

/** The error half of a reply. */
export const ErrorReplySchema = z.object({
  status: z.literal('error'),
  kind: ErrorKindSchema,
  message: z.string().max(4000),
  retryAfterMs: z.number().int().min(0).optional(),
});
export type ErrorReply = z.infer<typeof ErrorReplySchema>;
