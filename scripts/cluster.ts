/**
 * `npm run cluster`: the docker-compose topology as local processes, against this machine's
 * NATS (127.0.0.1:4222), PostgreSQL (127.0.0.1:5432, database `test`) and Redis (127.0.0.1:6379):
 *
 *   proxy :3100 (this script) ──▶ `mcp-hub hub` :3101, `mcp-hub hub` :3102 ──NATS──▶ `mcp-hub connector helpdesk`
 *
 * Ctrl-C (or SIGTERM) stops every child gracefully; if one child dies, the others are stopped
 * too. Override with env: CLUSTER_PORT, NATS_URL, REDIS_URL, HELPDESK_DATABASE_URL, LOG_LEVEL
 * (default warn).
 *
 * The proxy stands in for deploy/lb/haproxy.cfg: plain round-robin, request by request, with no
 * session affinity. The hub replicas share 2025-era sessions through Redis (REDIS_URL), so the
 * replica that did not create a session rebuilds it from the store (decision 0002). Bodies
 * stream both ways unbuffered, so SSE responses (POST answers and the GET /mcp stream) reach the
 * client as the hub writes them; all end-to-end headers are forwarded unchanged, mcp-session-id
 * included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const PROXY_PORT = Number(process.env.CLUSTER_PORT ?? 3100);
const HUB_PORTS = [PROXY_PORT + 1, PROXY_PORT + 2];
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HELPDESK_DATABASE_URL = process.env.HELPDESK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';

interface Child {
  name: string;
  process: ChildProcess;
}

const children: Child[] = [];
let stopping = false;

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): void {
  // Own process group: Ctrl-C reaches this script only, which then stops each child once.
  const child = spawn(process.execPath, [path.join(root, 'bin/mcp-hub'), ...args], {
    cwd: root,
    env: { ...process.env, NATS_URL, LOG_LEVEL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixLines(child.stdout!, name, process.stdout);
  prefixLines(child.stderr!, name, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`[cluster] ${name} exited (${signal ?? `code ${code}`}); stopping the cluster\n`);
    void stopAll(1);
  });
  children.push({ name, process: child });
}

function prefixLines(stream: NodeJS.ReadableStream, name: string, out: NodeJS.WritableStream): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
  stream.on('end', () => rest && out.write(`[${name}] ${rest}\n`));
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  proxy.close();
  proxy.closeAllConnections();
  const exits = children
    .filter((c) => c.process.exitCode === null && c.process.signalCode === null)
    .map(
      (c) =>
        new Promise<void>((resolve) => {
          c.process.once('exit', () => resolve());
          c.process.kill('SIGTERM');
          setTimeout(() => {
            c.process.kill('SIGKILL');
            resolve();
          }, 15_000).unref();
        }),
    );
  await Promise.all(exits);
  process.exit(exitCode);
}

// --- the proxy -------------------------------------------------------------------------------

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
let nextBackend = 0;

/** Round-robin over the hub replicas, whatever the request: no replica owns a session. */
function chooseBackend(): number {
  const chosen = nextBackend;
  nextBackend = (nextBackend + 1) % HUB_PORTS.length;
  return chosen;
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !listed.includes(name)));
}

function forward(req: IncomingMessage, res: ServerResponse): void {
  const backend = chooseBackend();
  const headers = endToEnd(req.headers);
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const upstream = request({ host: '127.0.0.1', port: HUB_PORTS[backend], method: req.method, path: req.url, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
    res.flushHeaders(); // an SSE stream may not send its first event for a while
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `hub replica :${HUB_PORTS[backend]} unreachable: ${error.message}` }));
    } else res.destroy(error);
  });
  // The client went away (e.g. closed its SSE stream): stop the upstream request too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

const proxy = createServer(forward);
proxy.keepAliveTimeout = 65_000;
proxy.requestTimeout = 0; // SSE streams stay open as long as the client wants

// --- start -----------------------------------------------------------------------------------

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitReady(port: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function main(): Promise<void> {
  const nats = new URL(NATS_URL.replace(/^nats:/, 'http:'));
  const redis = new URL(REDIS_URL);
  const postgres = new URL(HELPDESK_DATABASE_URL);
  const checks: Array<[string, string, number]> = [
    ['NATS', nats.hostname, Number(nats.port || 4222)],
    // The hub replicas share 2025-era sessions there.
    ['Redis', redis.hostname, Number(redis.port || 6379)],
    ['PostgreSQL', postgres.hostname, Number(postgres.port || 5432)],
  ];
  for (const [name, host, port] of checks) {
    if (await reachable(host, port)) continue;
    process.stderr.write(`[cluster] ${name} is not reachable on ${host}:${port}\n`);
    process.exit(1);
  }

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  HUB_PORTS.forEach((port, i) => startChild(`hub-${i + 1}`, ['hub'], { PORT: String(port), HOST: '127.0.0.1', REDIS_URL }));
  startChild('connector-helpdesk', ['connector', 'helpdesk'], { HELPDESK_DATABASE_URL, HELPDESK_WRITE_MODE: 'true' });

  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(PROXY_PORT, '127.0.0.1', () => resolve());
  });
  const ready = await Promise.all(HUB_PORTS.map((port) => waitReady(port, 60_000)));
  if (stopping) return;
  if (!ready.every(Boolean)) {
    process.stderr.write(`[cluster] hub replicas not ready after 60 s (ports ${HUB_PORTS.join(', ')})\n`);
    return stopAll(1);
  }
  process.stdout.write(
    `\nMCP hub cluster: http://localhost:${PROXY_PORT}/mcp  (replicas :${HUB_PORTS.join(', :')}, health http://localhost:${PROXY_PORT}/readyz)\nPress Ctrl-C to stop.\n\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[cluster] ${error instanceof Error ? error.message : String(error)}\n`);
  void stopAll(1);
});
