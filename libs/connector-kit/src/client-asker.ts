import type { z } from 'zod';
import type { Bus } from '@mcp-hub/bus';
import { isBusError } from '@mcp-hub/bus';
import {
  CAPABILITY_FOR_METHOD,
  ClientReplySchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
  ClientRequestSchema,
  MalformedMessageError,
  decode,
  encode,
  type ClientCapability,
  type ClientRequest,
  type CreateMessageParams,
  type CreateMessageResult,
  type ElicitParams,
  type ElicitResult,
  type ListRootsResult,
  type Subjects,
} from '@mcp-hub/connector-contract';
import { ClientRequestFailed } from './client-request-failed';
import { ToolError } from './tool-error';

export interface ClientAskerOptions {
  bus: Bus;
  subjects: Subjects;
  connectorId: string;
  replicaId: string;
  invocationId: string;
  deadline: number;
  /** The call's signal: the client cancelled, the deadline passed, or the replica stops. */
  signal: AbortSignal;
  /** The hub that started the call (from its events subject); undefined when none can be asked. */
  hubId: string | undefined;
  /** What the call's client declared; undefined when the hub sent none (an older hub, or no session). */
  capabilities: readonly ClientCapability[] | undefined;
  /** Tells the hub which replica holds the call before it asks, so the hub can bind the request to it. */
  claim(): void;
}

/**
 * Sends one call's server-to-client requests to the hub that started it and reads the answers.
 * Requests are checked before they leave (a bad one is the handler's bug), answers on arrival;
 * the wait ends with the call (cancellation, deadline). Every failure is a {@link ClientRequestFailed}.
 */
export class ClientAsker {
  constructor(private readonly options: ClientAskerOptions) {}

  elicit(params: ElicitParams): Promise<ElicitResult> {
    return this.ask({ method: 'elicitation/create', params }, ElicitResultSchema);
  }

  createMessage(params: CreateMessageParams): Promise<CreateMessageResult> {
    return this.ask({ method: 'sampling/createMessage', params }, CreateMessageResultSchema);
  }

  listRoots(): Promise<ListRootsResult> {
    return this.ask({ method: 'roots/list' }, ListRootsResultSchema);
  }

  private async ask<S extends z.ZodType>(request: ClientRequest, resultSchema: S): Promise<z.infer<S>> {
    const parsed = ClientRequestSchema.parse(request);
    const { bus, subjects, connectorId, replicaId, invocationId, deadline, signal, hubId, capabilities } = this.options;
    const capability = CAPABILITY_FOR_METHOD[parsed.method];
    if (hubId === undefined || capabilities === undefined) {
      throw new ClientRequestFailed('unsupported', `This call's client cannot be asked anything (no ${capability} through this hub).`);
    }
    if (!capabilities.includes(capability)) {
      throw new ClientRequestFailed('capability_missing', `The client did not declare the ${capability} capability.`);
    }
    if (signal.aborted) throw abortReason(signal);
    this.options.claim();
    let data: Uint8Array;
    try {
      const message = encode({ invocationId, replicaId, request: parsed });
      data = (await bus.request(subjects.clientRequests(hubId, connectorId), message, { timeoutMs: Math.max(1, deadline - Date.now()), signal })).data;
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (isBusError(error) && error.kind === 'timeout') throw new ClientRequestFailed('timeout', `The client did not answer the ${capability} request before the call's deadline.`);
      throw new ClientRequestFailed('unavailable', 'The hub holding the client\'s session could not be reached.');
    }
    try {
      const reply = decode(ClientReplySchema, data);
      if (reply.status === 'error') throw new ClientRequestFailed(reply.kind, reply.message);
      return resultSchema.parse(reply.result);
    } catch (error) {
      if (error instanceof ClientRequestFailed) throw error;
      if (error instanceof MalformedMessageError) throw new ClientRequestFailed('client_error', 'The hub sent an unreadable answer.');
      throw new ClientRequestFailed('client_error', `The client's ${capability} answer does not match the protocol.`);
    }
  }
}

function abortReason(signal: AbortSignal): ToolError {
  const reason: unknown = signal.reason;
  if (reason instanceof ToolError) return new ClientRequestFailed(reason.kind === 'timeout' ? 'timeout' : 'cancelled', reason.message);
  return new ClientRequestFailed('cancelled', 'The call was cancelled while waiting for the client.');
}
