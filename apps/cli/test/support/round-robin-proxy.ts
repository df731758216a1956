import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy forwarded: where it went and what it was. */
export interface ProxiedRequest {
  backend: number;
  method: string;
  /** JSON-RPC methods of a POST body (empty for responses and other verbs). */
  rpc: string[];
  session?: string;
  status?: number;
}

/**
 * A round-robin HTTP balancer for tests, as a cloud load balancer without affinity behaves:
 * every request goes to the next backend, headers pass both ways untouched, response bodies
 * (SSE included) stream through. `pinNext` sends the next request to a chosen backend.
 */
export class RoundRobinProxy {
  readonly log: ProxiedRequest[] = [];
  private next = 0;
  private readonly server: Server;

  private constructor(private readonly backends: URL[]) {
    this.server = createServer((req, res) => void this.forward(req, res));
  }

  static async start(backends: string[]): Promise<RoundRobinProxy> {
    const proxy = new RoundRobinProxy(backends.map((b) => new URL(b)));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/mcp`;
  }

  /** Sends the next request to `backend`; round robin continues after it. */
  pinNext(backend: number): void {
    this.next = backend;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const backend = this.next;
    this.next = (this.next + 1) % this.backends.length;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const entry: ProxiedRequest = { backend, method: req.method ?? 'GET', rpc: rpcMethods(body), session: req.headers['mcp-session-id'] as string | undefined };
    this.log.push(entry);
    const target = this.backends[backend]!;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  }
}

function rpcMethods(body: Buffer): string[] {
  if (body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]).map((m: { method?: string }) => m.method).filter((m): m is string => typeof m === 'string');
  } catch {
    return [];
  }
}
