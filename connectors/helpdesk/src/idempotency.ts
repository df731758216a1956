import { z } from 'zod';
import { ToolError, type HandlerContext, type ToolOutput } from '@mcp-hub/connector-kit';
import { canonicalHash } from '@mcp-hub/connector-contract';
import type { TicketStore } from './ticket-store';

/** The optional argument every write tool takes. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
  .describe('Optional. A repeat of the call with the same key returns the first result instead of acting twice.')
  .optional();

/**
 * Runs a write at most once per (principal, tool, key): the first call acts and records its
 * result, a repeat with the same arguments gets that result back (and acts on nothing), a repeat
 * with other arguments is refused. Without a key it just acts. A failed write frees the key.
 */
export async function runIdempotent<O>(
  store: TicketStore,
  ctx: HandlerContext,
  tool: string,
  args: { idempotencyKey?: string | undefined },
  act: () => Promise<ToolOutput<O>>,
): Promise<ToolOutput<O>> {
  const { idempotencyKey, ...request } = args;
  if (idempotencyKey === undefined) return act();
  const claim = { principal: ctx.principal.id, tool, key: idempotencyKey, requestHash: canonicalHash(request) };
  const found = await store.claimIdempotencyKey(claim, ctx.signal);
  switch (found.state) {
    case 'completed':
      ctx.logger.info({ tool }, 'idempotent repeat answered from the first result');
      return JSON.parse(found.result) as ToolOutput<O>;
    case 'mismatch':
      throw new ToolError('conflict', 'This idempotencyKey was already used with different arguments. Use a new key for a new request.');
    case 'in_progress':
      throw new ToolError('conflict', 'A request with this idempotencyKey is still running. Retry in a few seconds.', 2000);
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
    ctx.logger.error({ err: recordError, tool }, 'could not record the idempotent result');
  });
  return output;
}
