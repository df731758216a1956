import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export const RPC_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
/** Headers of a 2026 request for `method` (the revision requires Mcp-Method to match the body). */
export const modernHeaders = (method: string) => ({ ...RPC_HEADERS, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method });
export const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** A 2025 `initialize` request body. */
export const initialize = (id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** A 2026 `subscriptions/listen` request body. */
export const listen = (notifications: Record<string, unknown> = { toolsListChanged: true }, id: number | string = 'listen') => ({
  jsonrpc: '2.0',
  id,
  method: 'subscriptions/listen',
  params: { _meta: MODERN_META, notifications },
});

export interface RawOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Source address of the connection: 127.0.0.x on loopback stands for distinct clients. */
  localAddress?: string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The JSON-RPC messages of a JSON or SSE body. */
  messages: Array<Record<string, any>>;
}

export interface OpenStream {
  status: number;
  headers: IncomingHttpHeaders;
  response: IncomingMessage;
  request: ClientRequest;
  closed: Promise<void>;
}

/** One HTTP exchange, outside fetch, so tests can pick the source address and send any Host header. */
export async function send(url: string, options: RawOptions = {}): Promise<RawResponse> {
  const { response } = await open(url, options);
  let text = '';
  for await (const chunk of response) text += chunk;
  return { status: response.statusCode ?? 0, headers: response.headers, text, messages: messagesIn(text) };
}

/** Starts an exchange whose response stays open (a listen or GET stream); resolves on the response headers. */
export async function openStream(url: string, options: RawOptions = {}): Promise<OpenStream> {
  const { request, response } = await open(url, options);
  const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
  response.resume();
  return { status: response.statusCode ?? 0, headers: response.headers, response, request, closed };
}

function open(url: string, options: RawOptions): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  const target = new URL(url);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: options.path ?? target.pathname,
        method: options.method ?? 'POST',
        headers: { ...RPC_HEADERS, ...options.headers },
        localAddress: options.localAddress,
        agent: false,
      },
      (response) => resolve({ request: req, response }),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function messagesIn(text: string): Array<Record<string, any>> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed);
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)));
}
