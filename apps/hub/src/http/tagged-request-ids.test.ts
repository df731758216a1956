import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { TaggedRequestIds } from './tagged-request-ids';

/** A transport that records what it is asked to send. */
class RecordingTransport implements Transport {
  readonly sent: JSONRPCMessage[] = [];
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.onclose?.();
  }
  async send(message: JSONRPCMessage): Promise<void> {
    this.sent.push(message);
  }
}

function setup() {
  const inner = new RecordingTransport();
  const relayed: Array<{ hubId: string; id: unknown }> = [];
  const tagged = new TaggedRequestIds(inner, 'hub-a', (hubId, response) => relayed.push({ hubId, id: response.id }));
  const received: JSONRPCMessage[] = [];
  tagged.onmessage = (message) => received.push(message);
  return { inner, tagged, relayed, received };
}

describe('TaggedRequestIds', () => {
  it("names this replica in its requests' ids and in its cancellations of them, and nothing else", async () => {
    const { inner, tagged } = setup();
    await tagged.send({ jsonrpc: '2.0', id: 3, method: 'elicitation/create', params: { message: 'x' } });
    await tagged.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } });
    await tagged.send({ jsonrpc: '2.0', id: 7, result: {} });
    await tagged.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });
    expect(inner.sent).toEqual([
      { jsonrpc: '2.0', id: 'mcphub.hub-a.n.3', method: 'elicitation/create', params: { message: 'x' } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'mcphub.hub-a.n.3' } },
      { jsonrpc: '2.0', id: 7, result: {} },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
    ]);
  });

  it("restores the SDK's id of an answer to this replica, relays one to another, passes the rest", () => {
    const { inner, relayed, received } = setup();
    inner.onmessage?.({ jsonrpc: '2.0', id: 'mcphub.hub-a.n.3', result: { action: 'decline' } });
    inner.onmessage?.({ jsonrpc: '2.0', id: 'mcphub.hub-a.s.abc', result: {} });
    inner.onmessage?.({ jsonrpc: '2.0', id: 'mcphub.hub-b.n.3', result: { action: 'accept' } });
    inner.onmessage?.({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 't' } });
    inner.onmessage?.({ jsonrpc: '2.0', id: 'client-own-id', result: {} });
    expect(received).toEqual([
      { jsonrpc: '2.0', id: 3, result: { action: 'decline' } },
      { jsonrpc: '2.0', id: 'abc', result: {} },
      { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 't' } },
      { jsonrpc: '2.0', id: 'client-own-id', result: {} },
    ]);
    expect(relayed).toEqual([{ hubId: 'hub-b', id: 'mcphub.hub-b.n.3' }]);
  });

  it('delivers a relayed answer as if the client had sent it here, and never relays one on', () => {
    const { tagged, received, relayed } = setup();
    tagged.receiveRelayed({ jsonrpc: '2.0', id: 'mcphub.hub-a.n.0', result: { roots: [] } });
    tagged.receiveRelayed({ jsonrpc: '2.0', id: 'mcphub.hub-c.n.0', result: { roots: [] } });
    tagged.receiveRelayed({ jsonrpc: '2.0', id: 4, result: {} });
    expect(received).toEqual([{ jsonrpc: '2.0', id: 0, result: { roots: [] } }]);
    expect(relayed).toEqual([]);
  });
});
