/**
 * S7 github (the GitHub connector issue's figure): `github_get_issue` through the hub (MCP client
 * → HTTP front → bus → GitHub connector → Octokit → local fake GitHub) against the same Octokit
 * requests made directly to the fake (the issue and its first page of comments, in parallel, as
 * the tool makes them). Both sides run in this process, interleaved, median of repetitions.
 */
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { buildConnector, runConnector } from '@mcp-hub/connector-kit';
import { githubModule } from '@mcp-hub/connector-github';
import { FakeGithub, TEST_TOKEN } from '@mcp-hub/connector-github/src/testing';
import { HttpFront, Hub } from '@mcp-hub/hub';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { BenchContext } from '../lib/context';
import { row, type ResultRow } from '../lib/report';
import { median, quantile } from '../lib/stats';

export async function measureGithub(ctx: BenchContext): Promise<ResultRow[]> {
  const logger = pino({ level: 'silent' });
  const fake = await new FakeGithub(TEST_TOKEN).start();
  const repo = fake.addRepo({ owner: 'acme', name: 'app' });
  repo.issues.push({ number: 1, title: 'Crash on login', body: 'It crashes. '.repeat(40), state: 'open', state_reason: null, labels: ['bug'], assignees: [], user: 'customer', comments: [] });
  for (let i = 0; i < 10; i++) repo.issues[0]!.comments.push({ id: i + 1, body: `Comment ${i} `.repeat(10), user: 'agent', created_at: '2026-11-30T10:00:00Z' });
  const fromFile = { baseUrl: fake.url, auth: { kind: 'token', token: TEST_TOKEN }, repositories: ['acme/app'], throttle: { writeIntervalMs: 0, searchIntervalMs: 0 } };
  const built = await buildConnector(githubModule, { embedded: false, dataDir: '', fromFile, env: {} }, logger);
  const bus = new InProcessBus();
  const hub = new Hub({ bus, hubId: 'bench-s7', logger });
  await hub.start();
  const service = await runConnector(built.connector, { bus, deps: built.deps, logger });
  const front = new HttpFront({
    hub,
    logger,
    identity: { name: 'bench', version: '0' },
    principalFor: () => ({ id: 'bench', scopes: ['*'] }),
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1 << 20,
    maxSessions: 100,
    allowedHosts: ['127.0.0.1', 'localhost'],
    allowedOrigins: ['127.0.0.1', 'localhost'],
    sessionIdleMs: 600_000,
  });
  const url = await front.listen();
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const [{ Octokit }, { throttling }, { retry }] = await Promise.all([import('@octokit/rest'), import('@octokit/plugin-throttling'), import('@octokit/plugin-retry')]);
  const octokit = new Octokit({ auth: TEST_TOKEN, baseUrl: fake.url });
  // The connector's plugins schedule every request through Bottleneck, whose store yields to the
  // event loop (setTimeout 0) at each step: this arm shows what the hub adds on top of them.
  const plugged = new (Octokit.plugin(throttling, retry))({ auth: TEST_TOKEN, baseUrl: fake.url, throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false } });

  const throughHub = async () => {
    const result = await client.callTool({ name: 'github_get_issue', arguments: { owner: 'acme', repo: 'app', issue_number: 1 } });
    if (result.isError) throw new Error(`get_issue failed: ${JSON.stringify(result.content)}`);
  };
  const requests = (client: typeof octokit) => async () => {
    await Promise.all([
      client.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: 'acme', repo: 'app', issue_number: 1 }),
      client.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'acme', repo: 'app', issue_number: 1, per_page: 30 }),
    ]);
  };
  const direct = requests(octokit);
  const directPlugged = requests(plugged);
  const window = async (call: () => Promise<void>): Promise<number[]> => {
    const times: number[] = [];
    const until = performance.now() + ctx.windowMs;
    while (performance.now() < until) {
      const started = performance.now();
      await call();
      times.push(performance.now() - started);
    }
    return times;
  };

  try {
    ctx.log('S7 github: warm-up');
    await window(throughHub);
    await window(direct);
    await window(directPlugged);
    const hubP50: number[] = [];
    const directP50: number[] = [];
    const pluggedP50: number[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const a = quantile(await window(direct), 0.5);
      const c = quantile(await window(directPlugged), 0.5);
      const b = quantile(await window(throughHub), 0.5);
      directP50.push(a);
      pluggedP50.push(c);
      hubP50.push(b);
      ctx.log(`S7 github rep ${rep + 1}: Octokit direct p50 ${a.toFixed(2)} ms, with the throttling and retry plugins ${c.toFixed(2)} ms, through the hub ${b.toFixed(2)} ms`);
    }
    return [
      row('S7 github', 'get_issue p50 through the hub, 10 comments (vs the same Octokit requests to the fake)', 'ms', median(hubP50), median(directP50), median(hubP50.map((h, i) => h / directP50[i]!)), 'ratio <= 1.5',
        'MCP client, HTTP, SDK, bus, allowlist, Octokit plugins, cleaning and fencing of third-party text'),
      row('S7 github', 'get_issue p50 through the hub vs Octokit direct with the same throttling and retry plugins', 'ms', median(hubP50), median(pluggedP50), median(hubP50.map((h, i) => h / pluggedP50[i]!)), null,
        'what the hub and connector add beyond the plugins'),
    ];
  } finally {
    await client.close().catch(() => undefined);
    await front.close(0);
    await service.stop();
    hub.stop();
    await bus.close();
    await built.close();
    await fake.stop();
  }
}
