import {
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCResponse,
  type MessageExtraInfo,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';

/** Start of every id this hub gives a server-to-client request: `mcphub.<hubId>.<sdk id>`. */
const TAG = 'mcphub.';

/**
 * Sits between a 2025 session's SDK server and its transport, and gives the server's requests
 * to the client (elicitation, sampling, roots, ping) ids that name this replica. The SDK numbers
 * them per server from 0, so two replicas holding one session would both send id 0 and could not
 * tell whose answer came back; behind a balancer without affinity the client's answer may reach
 * either. An answer tagged for this replica goes to its server with the SDK's id restored; one
 * tagged for another goes to `onOtherReplica` (relayed over the bus); the rest pass unchanged.
 */
export class TaggedRequestIds implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  setSupportedProtocolVersions?: (versions: string[]) => void;
  setProtocolVersion?: (version: string) => void;
  private readonly prefix: string;

  constructor(
    private readonly inner: Transport,
    hubId: string,
    private readonly onOtherReplica: (hubId: string, response: JSONRPCResponse) => void,
  ) {
    this.prefix = `${TAG}${hubId}.`;
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => this.receive(message, extra);
    if (inner.setSupportedProtocolVersions) this.setSupportedProtocolVersions = (versions) => inner.setSupportedProtocolVersions?.(versions);
    if (inner.setProtocolVersion) this.setProtocolVersion = (version) => inner.setProtocolVersion?.(version);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  get hasPerRequestStream(): boolean | undefined {
    return this.inner.hasPerRequestStream;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isJSONRPCRequest(message)) return this.inner.send({ ...message, id: this.tag(message.id) }, options);
    // The server cancels only requests of its own (an abandoned elicitation): the client knows them by the tagged id.
    if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled' && message.params) {
      const { requestId } = message.params as { requestId?: unknown };
      if (typeof requestId === 'number' || typeof requestId === 'string') return this.inner.send({ ...message, params: { ...message.params, requestId: this.tag(requestId) } }, options);
    }
    return this.inner.send(message, options);
  }

  /** An answer another replica received for a request this one sent (see the class comment). */
  receiveRelayed(response: JSONRPCResponse): void {
    // Only answers tagged for this replica: a relayed answer is never relayed on.
    if (typeof response.id === 'string' && response.id.startsWith(this.prefix)) this.receive(response);
  }

  private tag(id: string | number): string {
    return `${this.prefix}${typeof id === 'number' ? 'n' : 's'}.${id}`;
  }

  private receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (isJSONRPCResponse(message) && typeof message.id === 'string' && message.id.startsWith(TAG)) {
      if (!message.id.startsWith(this.prefix)) {
        const hubId = message.id.slice(TAG.length, message.id.indexOf('.', TAG.length));
        if (hubId.length > 0) this.onOtherReplica(hubId, message);
        return;
      }
      const tagged = message.id.slice(this.prefix.length);
      const sdkId = tagged.startsWith('n.') ? Number(tagged.slice(2)) : tagged.slice(2);
      this.onmessage?.({ ...message, id: sdkId }, extra);
      return;
    }
    this.onmessage?.(message, extra);
  }
}
