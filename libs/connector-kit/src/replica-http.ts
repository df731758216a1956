import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplicaMetrics } from './replica-metrics';

/** What the probes ask of the replica. */
export interface ReplicaProbeSource {
  /** Why the replica should not get traffic now (bus down, draining), or undefined when ready. */
  notReadyReason(): string | undefined;
}

/**
 * A connector replica's own small HTTP port (off unless `replica.metricsPort` is set): `/metrics`
 * in Prometheus format, `/healthz` (200 while the process serves HTTP) and `/readyz` (200 when
 * connected to NATS and not draining, else 503 with the reason), for Kubernetes probes and
 * scrapers. GET only; nothing else is served.
 */
export class ReplicaHttpServer {
  private readonly server: Server;

  constructor(
    private readonly metrics: ReplicaMetrics,
    private readonly probes: ReplicaProbeSource,
  ) {
    this.server = createServer((request, response) => {
      void this.answer(request.method ?? 'GET', (request.url ?? '/').split('?', 1)[0]!).then(({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      });
    });
  }

  /** Listens and returns the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async answer(method: string, path: string): Promise<{ status: number; type: string; body: string }> {
    const text = 'text/plain; charset=utf-8';
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, type: text, body: 'method not allowed\n' };
    switch (path) {
      case '/metrics':
        return { status: 200, type: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
      case '/healthz':
        return { status: 200, type: text, body: 'ok\n' };
      case '/readyz': {
        const reason = this.probes.notReadyReason();
        return reason === undefined ? { status: 200, type: text, body: 'ready\n' } : { status: 503, type: text, body: `not ready: ${reason}\n` };
      }
      default:
        return { status: 404, type: text, body: 'not found\n' };
    }
  }
}
