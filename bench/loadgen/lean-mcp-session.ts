import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/**
 * A Streamable HTTP session (protocol 2025-11-25) driven by raw `node:http`, for the load
 * generator: the SDK client spends 0.4–0.55 ms of CPU per call, more than the direct server it
 * calls, so with it both arms of a comparison hit the client's ceiling. This one does only what
 * the wire needs: initialize, `notifications/initialized`, then `tools/call` POSTs on keep-alive
 * sockets, each reply parsed (JSON or an SSE stream) and checked.
 */
export interface LeanMcpSession {
  call(): Promise<void>;
  close(): Promise<void>;
}

const PROTOCOL_VERSION = '2025-11-25';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface JsonRpcReply {
  id?: number;
  result?: { content?: Array<{ type: string; text?: string }>; structuredContent?: { text?: unknown }; isError?: boolean };
  error?: { message?: string };
}

function post(agent: Agent, url: URL, method: 'POST' | 'DELETE', body: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        agent,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The JSON-RPC response in a POST's reply: the JSON body, or the SSE event that carries `id`. */
function responseOf(reply: Reply, id: number): JsonRpcReply {
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
  const type = String(reply.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) return JSON.parse(reply.body) as JsonRpcReply;
  if (!type.startsWith('text/event-stream')) throw new Error(`unexpected content-type ${type}`);
  for (const event of reply.body.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '') continue;
    const message = JSON.parse(data) as JsonRpcReply;
    if (message.id === id) return message;
  }
  throw new Error(`no response with id ${id} in the stream: ${reply.body.slice(0, 200)}`);
}

let sessions = 0;

/**
 * Opens a session on `url` and returns a caller of the echo tool `tool`. Each call sends a text
 * unique to it; a reply that is an error, or whose content or structuredContent does not carry
 * that text, fails the call (a fast wrong answer is a failure).
 */
export async function openLeanMcpSession(url: string, tool: string, perSession: number): Promise<LeanMcpSession> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.isFinite(perSession) ? perSession : Infinity });
  const session = ++sessions;
  const initialize = await post(
    agent,
    target,
    'POST',
    JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-hub-bench-lean', version: '1.0.0' } } }),
    {},
  );
  const initialized = responseOf(initialize, 0);
  if (!initialized.result) throw new Error(`initialize failed: ${initialized.error?.message ?? initialize.body.slice(0, 200)}`);
  const sessionId = initialize.headers['mcp-session-id'];
  if (typeof sessionId !== 'string') throw new Error('initialize answered without an Mcp-Session-Id');
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION };
  const notified = await post(agent, target, 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), headers);
  if (notified.status !== 202) throw new Error(`notifications/initialized: HTTP ${notified.status}`);

  let id = 0;
  return {
    call: async () => {
      const callId = ++id;
      const text = `lean ${session}.${callId}`;
      const reply = await post(agent, target, 'POST', JSON.stringify({ jsonrpc: '2.0', id: callId, method: 'tools/call', params: { name: tool, arguments: { text } } }), headers);
      const response = responseOf(reply, callId);
      const result = response.result;
      if (!result) throw new Error(`tools/call failed: ${response.error?.message ?? 'no result'}`);
      if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content).slice(0, 200)}`);
      if (result.content?.[0]?.text !== text || result.structuredContent?.text !== text) throw new Error(`wrong echo: sent "${text}", got ${JSON.stringify(result).slice(0, 200)}`);
    },
    close: async () => {
      await post(agent, target, 'DELETE', '', headers).catch(() => undefined);
      agent.destroy();
    },
  };
}
