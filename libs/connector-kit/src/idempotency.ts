import { z } from 'zod';
import { canonicalHash } from '@mcp-hub/connector-contract';
import type { HandlerContext } from './handler-context';
import type { ToolOutput } from './define-tool';
import { ToolError } from './tool-error';

/** The optional argument every write tool takes, in the one casing every connector uses. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
  .describe('Optional. A repeat of the call with the same key returns the first result instead of acting twice.')
  .optional();

/** One write request identified by its caller's idempotency key. */
export interface IdempotencyClaim {
  /** Whose key it is: a key is private to a principal. */
  principal: string;
  /** The tool (and, where a tool writes to several targets, the target) the key is for. */
  tool: string;
  key: string;
  /** Hash of the arguments, so a key reused for a different request is refused. */
  requestHash: string;
  /**
   * Until when (epoch ms) an unfinished claim blocks a retry: the end of the call that made it,
   * plus a margin. Before then the request may still be running and acting; after it, a retry
   * may take the key over (the replica that held it died). It also identifies the claim, so a
   * failing call frees only its own claim, never one a retry took over.
   */
  leaseUntil: number;
}

export type IdempotencyState =
  /** This call owns the key: act, then complete or release it. */
  | { state: 'acquired' }
  /** The request was done before; `result` is what it returned. */
  | { state: 'completed'; result: string }
  /** Another call with this key is running now. */
  | { state: 'in_progress' }
  /** The key was used for different arguments. */
  | { state: 'mismatch' };

/** How long after its call's deadline an unfinished claim still blocks a retry, in ms (replies and clocks lag a little). */
export const IDEMPOTENCY_LEASE_MARGIN_MS = 5_000;

/**
 * Where idempotency keys live. Every replica of a connector must use the same store (a database
 * or Redis that all of them reach), so that a retry landing on another replica sees the claim.
 * Each method is one atomic step.
 */
export interface IdempotencyStore {
  /** Claims the key, or says why not. An unfinished claim whose `leaseUntil` has passed may be taken over. */
  claimIdempotencyKey(claim: IdempotencyClaim, signal?: AbortSignal): Promise<IdempotencyState>;
  /** Records the result of the claimed request; later claims get it back. */
  completeIdempotencyKey(claim: IdempotencyClaim, result: string): Promise<void>;
  /** Frees an unfinished claim (the write failed), so that a retry may act; only the claim with this `leaseUntil`. */
  releaseIdempotencyKey(claim: IdempotencyClaim): Promise<void>;
}

/**
 * Runs a write at most once per (principal, tool, key): the first call acts and records its
 * result; a repeat with the same arguments gets that result back, marked `replayed`, and acts on
 * nothing; a repeat with other arguments is refused. Without a key it just acts. A failed write
 * frees the key.
 * @param scope what the key is for: the tool name, plus the target where one tool writes to several.
 */
export async function runIdempotent<O>(
  store: IdempotencyStore,
  ctx: HandlerContext,
  scope: string,
  args: { idempotency_key?: string | undefined },
  act: () => Promise<ToolOutput<O>>,
): Promise<ToolOutput<O>> {
  const { idempotency_key: key, ...request } = args;
  if (key === undefined) return act();
  const claim: IdempotencyClaim = {
    principal: ctx.principal.id,
    tool: scope,
    key,
    requestHash: canonicalHash(request),
    leaseUntil: ctx.deadline + IDEMPOTENCY_LEASE_MARGIN_MS,
  };
  const found = await store.claimIdempotencyKey(claim, ctx.signal);
  switch (found.state) {
    case 'completed':
      ctx.logger.info({ scope }, 'idempotent repeat answered from the first result');
      return { ...(JSON.parse(found.result) as ToolOutput<O>), replayed: true };
    case 'mismatch':
      throw new ToolError('conflict', 'This idempotency_key was already used with different arguments. Use a new key for a new request.');
    case 'in_progress':
      throw new ToolError('conflict', 'A request with this idempotency_key is still running. Retry in a few seconds.', 2000);
    case 'acquired':
      break;
  }
  let output: ToolOutput<O>;
  try {
    output = await act();
  } catch (error) {
    await store.releaseIdempotencyKey(claim).catch((releaseError: unknown) => ctx.logger.warn({ err: releaseError }, 'could not release idempotency key'));
    throw error;
  }
  await store.completeIdempotencyKey(claim, JSON.stringify(output)).catch((recordError: unknown) => {
    // The write happened; failing the call now would invite a retry that acts twice.
    ctx.logger.error({ err: recordError, scope }, 'could not record the idempotent result');
  });
  return output;
}
