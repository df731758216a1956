import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Bus, Subscription } from '@mcp-hub/bus';
import {
  RoundOutcomeSchema,
  RoundResumeSchema,
  decode,
  encode,
  tryDecode,
  type ClientCapability,
  type ClientRequest,
  type RoundOutcome,
  type Subjects,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import { ClientChannelError, type ClientChannel } from './client-channel';

export interface InputRoundsOptions {
  bus: Bus;
  subjects: Subjects;
  hubId: string;
  logger: Logger;
  /** How long a replica waits for another to answer a retry it relayed, ms (the hub's call timeout plus a margin). */
  relayWaitMs: number;
}

/** A 2026-era tool call that may wait for its client's input between rounds. */
interface ParkedCall {
  id: string;
  tool: string;
  principalId: string;
  /** The invocation's own signal: a round ends, the call goes on until it is done, cancelled or past its deadline. */
  controller: AbortController;
  outcome?: { result: ToolResult } | { error: unknown };
  /** Server-to-client requests the connector is waiting on, by input key. */
  pending: Map<string, { request: ClientRequest; answer: (response: unknown) => void }>;
  nextKey: number;
  /** Wakes the round waiting on this call, if one is. */
  wake?: () => void;
}

/** How long a finished call's result is kept for a client that comes back for it, ms. */
const KEEP_FINISHED_MS = 30_000;

const RELAY_FAILED = 'The hub replica holding this call could not be reached; it may have stopped. Call the tool again.';
const NOT_WAITING = 'This call is no longer waiting for input (it ended, or the hub replica holding it stopped). Call the tool again.';

/**
 * 2026-07-28 tool calls as rounds (multi-round-trip requests): the client is not asked by a
 * server-to-client request but by a result, `input_required`, and it retries the call with its
 * answers. The connector's invocation stays running on the replica that started it (parked,
 * by a random call id that the round's `requestState` carries); a retry that reaches another
 * replica is relayed to that one over the bus. Each round ends when the call is done or waits
 * for input. See docs/decisions/0004-server-to-client-requests.md.
 */
export class InputRounds {
  private readonly calls = new Map<string, ParkedCall>();
  private subscription?: Subscription;

  constructor(private readonly options: InputRoundsOptions) {}

  start(): void {
    const { bus, subjects, hubId, logger } = this.options;
    this.subscription = bus.subscribe(subjects.roundResume(hubId), (message) => {
      const resume = tryDecode(RoundResumeSchema, message.data);
      if (!resume) {
        logger.warn({ subject: message.subject }, 'malformed relayed retry ignored');
        return;
      }
      if (resume.cancel) {
        const call = this.calls.get(resume.callId);
        if (call && call.tool === resume.tool && call.principalId === resume.principalId) call.controller.abort();
        return;
      }
      void this.resumeHere(resume.callId, resume.tool, resume.principalId, resume.responses).then((outcome) => {
        try {
          message.respond(encode(outcome));
        } catch (error) {
          logger.warn({ err: error }, 'could not answer a relayed retry');
        }
      });
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    for (const call of this.calls.values()) call.controller.abort();
  }

  /** Calls waiting for input or for their client to come back. */
  get size(): number {
    return this.calls.size;
  }

  /**
   * Starts a call whose connector may ask its client for input; resolves when the call is done
   * or waits for input. `roundSignal` is the client's request: aborting it cancels the call.
   * @throws what `run` throws before the call starts (an unknown tool)
   */
  begin(
    tool: string,
    principalId: string,
    capabilities: readonly ClientCapability[],
    run: (client: ClientChannel, signal: AbortSignal) => Promise<ToolResult>,
    roundSignal?: AbortSignal,
  ): Promise<RoundOutcome> {
    const call: ParkedCall = { id: randomUUID(), tool, principalId, controller: new AbortController(), pending: new Map(), nextKey: 0 };
    this.calls.set(call.id, call);
    const client: ClientChannel = { capabilities, send: (request, options) => this.ask(call, request, options) };
    run(client, call.controller.signal).then(
      (result) => this.finish(call, { result }),
      (error: unknown) => this.finish(call, { error }),
    );
    return this.round(call, roundSignal);
  }

  /**
   * A retry carrying `requestState` and the client's answers: hands the answers to the call,
   * here or on the replica holding it, and resolves with the next round's outcome.
   */
  async resume(state: string, tool: string, principalId: string, responses: Record<string, unknown>, roundSignal?: AbortSignal): Promise<RoundOutcome> {
    const parsed = parseState(state);
    if (!parsed) return done(NOT_WAITING);
    if (parsed.hubId === this.options.hubId) return this.resumeHere(parsed.callId, tool, principalId, responses, roundSignal);
    const { bus, subjects, relayWaitMs, logger } = this.options;
    const subject = subjects.roundResume(parsed.hubId);
    try {
      const reply = await bus.request(subject, encode({ callId: parsed.callId, tool, principalId, responses }), { timeoutMs: relayWaitMs, signal: roundSignal });
      return decode(RoundOutcomeSchema, reply.data);
    } catch (error) {
      if (roundSignal?.aborted) {
        // The client gave up on this round: so does the call, on the replica holding it.
        if (bus.status === 'connected') bus.publish(subject, encode({ callId: parsed.callId, tool, principalId, responses: {}, cancel: true }));
        return done('The call was cancelled.');
      }
      logger.warn({ err: error, holder: parsed.hubId }, 'a retry could not be relayed to the replica holding its call');
      return done(RELAY_FAILED);
    }
  }

  private async resumeHere(callId: string, tool: string, principalId: string, responses: Record<string, unknown>, roundSignal?: AbortSignal): Promise<RoundOutcome> {
    const call = this.calls.get(callId);
    // The id is unguessable, and a retry must come from the caller, for the same tool.
    if (!call || call.tool !== tool || call.principalId !== principalId) return done(NOT_WAITING);
    for (const [key, response] of Object.entries(responses)) {
      const waiting = call.pending.get(key);
      if (!waiting) continue;
      call.pending.delete(key);
      waiting.answer(response);
    }
    return this.round(call, roundSignal);
  }

  /** Sends one request to the client: it waits in the call until a retry answers it, the call ends, or `timeoutMs`. */
  private ask(call: ParkedCall, request: ClientRequest, { signal, timeoutMs }: { signal: AbortSignal; timeoutMs: number }): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const key = `r${call.nextKey++}`;
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        call.pending.delete(key);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new ClientChannelError('timeout', 'The client did not answer in time.'));
      }, timeoutMs);
      const onAbort = () => {
        settle();
        reject(new Error('the call ended'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      call.pending.set(key, {
        request,
        answer: (response) => {
          settle();
          resolve(response);
        },
      });
      call.wake?.();
    });
  }

  private finish(call: ParkedCall, outcome: NonNullable<ParkedCall['outcome']>): void {
    call.outcome = outcome;
    if (call.wake) call.wake();
    else setTimeout(() => this.calls.delete(call.id), KEEP_FINISHED_MS).unref();
  }

  /** Waits until the call is done (its result) or waits for input (the requests and the state to retry with). */
  private round(call: ParkedCall, roundSignal?: AbortSignal): Promise<RoundOutcome> {
    return new Promise<RoundOutcome>((resolve, reject) => {
      // The client gave up on this round: the call ends with it (its result then ends the round).
      const onAbort = () => call.controller.abort();
      const end = () => {
        call.wake = undefined;
        roundSignal?.removeEventListener('abort', onAbort);
      };
      const check = () => {
        if (call.outcome) {
          end();
          this.calls.delete(call.id);
          if ('result' in call.outcome) resolve({ kind: 'done', result: call.outcome.result });
          else reject(call.outcome.error);
        } else if (call.pending.size > 0) {
          end();
          const requests = Object.fromEntries([...call.pending].map(([key, waiting]) => [key, waiting.request]));
          resolve({ kind: 'input', requests, state: `${this.options.hubId}.${call.id}` });
        }
      };
      call.wake = check;
      roundSignal?.addEventListener('abort', onAbort, { once: true });
      if (roundSignal?.aborted) onAbort();
      check();
    });
  }
}

const STATE = /^([a-zA-Z0-9-]{1,64})\.([0-9a-f-]{36})$/;

/** `<hubId>.<callId>`, or undefined for anything else (it comes from the client). */
function parseState(state: string): { hubId: string; callId: string } | undefined {
  const match = STATE.exec(state);
  return match ? { hubId: match[1]!, callId: match[2]! } : undefined;
}

function done(message: string): RoundOutcome {
  return { kind: 'done', result: { content: [{ type: 'text', text: message }], isError: true } };
}
