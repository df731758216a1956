import type { Logger } from 'pino';
import type { Bus, IncomingMessage, Subscription } from '@mcp-hub/bus';
import {
  CAPABILITY_FOR_METHOD,
  CLIENT_RESULT_SCHEMAS,
  ClientRequestMessageSchema,
  encode,
  tryDecode,
  type ClientReply,
  type ClientRequest,
  type Subjects,
} from '@mcp-hub/connector-contract';
import { MAX_CLIENT_REQUESTS_PER_CALL, type BusInvoker, type ClientRequestTarget } from './bus-invoker';
import { ClientChannelError } from './client-channel';

export interface ClientRequestForwarderOptions {
  bus: Bus;
  subjects: Subjects;
  hubId: string;
  invoker: BusInvoker;
  logger: Logger;
}

/**
 * Answers connectors' server-to-client requests (`Subjects.clientRequests`) for the calls this
 * hub started: checks the request and that it belongs to a call of that connector in flight
 * here, sends it to the call's MCP client, checks the answer, and replies. The wait ends with
 * the call (reply, cancellation) or at its deadline.
 */
export class ClientRequestForwarder {
  private subscription?: Subscription;

  constructor(private readonly options: ClientRequestForwarderOptions) {}

  start(): void {
    const { bus, subjects, hubId } = this.options;
    this.subscription = bus.subscribe(subjects.allClientRequests(hubId), (message) => {
      void this.answer(message).then(
        (reply) => this.respond(message, reply),
        (error: unknown) => {
          this.options.logger.error({ err: error }, 'server-to-client request failed in the hub');
          this.respond(message, { status: 'error', kind: 'client_error', message: 'The hub failed while asking the client.' });
        },
      );
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  private async answer(message: IncomingMessage): Promise<ClientReply> {
    const { subjects, hubId, invoker, logger } = this.options;
    const connector = subjects.clientRequestSender(message.subject, hubId);
    const asked = tryDecode(ClientRequestMessageSchema, message.data);
    if (connector === undefined || !asked) {
      logger.warn({ subject: message.subject }, 'malformed server-to-client request refused');
      return { status: 'error', kind: 'refused', message: 'The hub could not read the request.' };
    }
    const { invocationId, replicaId, request } = asked;
    const target = invoker.clientRequestTarget(invocationId, connector, replicaId);
    if (target === 'refused') {
      logger.warn({ connector, invocationId, replicaId, method: request.method }, 'server-to-client request for no call of this connector in flight here: refused');
      return { status: 'error', kind: 'refused', message: 'No call of this connector with this invocation id is in flight on this hub.' };
    }
    if (target === 'no_client') return { status: 'error', kind: 'unsupported', message: "This call's client cannot be asked anything." };
    if (target === 'too_many') {
      logger.warn({ connector, invocationId }, 'too many server-to-client requests waiting for one call: refused');
      return { status: 'error', kind: 'refused', message: `At most ${MAX_CLIENT_REQUESTS_PER_CALL} requests to the client may wait at once per call.` };
    }
    try {
      return await this.forward(connector, invocationId, request, target);
    } finally {
      target.done();
    }
  }

  private async forward(connector: string, invocationId: string, request: ClientRequest, target: ClientRequestTarget): Promise<ClientReply> {
    const capability = CAPABILITY_FOR_METHOD[request.method];
    if (!target.client.capabilities.includes(capability)) {
      return { status: 'error', kind: 'capability_missing', message: `The client did not declare the ${capability} capability.` };
    }
    const timeoutMs = target.deadline - Date.now();
    if (timeoutMs <= 0) return { status: 'error', kind: 'timeout', message: "The call's deadline passed before the client was asked." };
    let answer: unknown;
    try {
      answer = await target.client.send(request, { signal: target.signal, timeoutMs });
    } catch (error) {
      if (target.signal.aborted) return { status: 'error', kind: 'cancelled', message: 'The call ended while waiting for the client.' };
      if (error instanceof ClientChannelError) {
        if (error.kind === 'timeout') return { status: 'error', kind: 'timeout', message: `The client did not answer the ${capability} request before the call's deadline.` };
        return { status: 'error', kind: error.kind, message: error.message.slice(0, 1000) };
      }
      throw error;
    }
    const result = CLIENT_RESULT_SCHEMAS[request.method].safeParse(answer);
    if (!result.success) {
      this.options.logger.warn({ connector, invocationId, method: request.method }, "client's answer does not match the protocol");
      return { status: 'error', kind: 'client_error', message: `The client's ${capability} answer does not match the protocol.` };
    }
    return { status: 'ok', result: result.data };
  }

  private respond(message: IncomingMessage, reply: ClientReply): void {
    try {
      message.respond(encode(reply));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not answer a server-to-client request');
    }
  }
}
