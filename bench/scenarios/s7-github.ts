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
import { readLimiters } from '@mcp-hub/connector-github/src/octokit-limiters';
import { FakeGithub, TEST_TOKEN } from '@mcp-hub/connector-github/src/testing';
import { HttpFront, Hub } from '@mcp-hub/hub';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { BenchContext } from '../lib/context';
import { row, type ResultRow } from '../lib/report';
import { median, quantile } from '../lib/stats';

/** The fake's answer delay for the targeted row, ms: a fast GitHub answer (api.github.com typically takes 50-300 ms). */
const GITHUB_LIKE_LATENCY_MS = 25;

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
  const [{ Octokit }, { throttling }] = await Promise.all([import('@octokit/rest'), import('@octokit/plugin-throttling')]);
  const octokit = new Octokit({ auth: TEST_TOKEN, baseUrl: fake.url });
  // Octokit as the connector sets it up (the throttling plugin on its timer-free limiters, with the
  // retry of server errors): this arm shows what the hub adds on top of it.
  const plugged = new (Octokit.plugin(throttling))({
    auth: TEST_TOKEN,
    baseUrl: fake.url,
    throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false, ...readLimiters(2, 1000, 10) },
  });

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

  /** One interleaved comparison at the fake's current latency: p50s per repetition of each arm. */
  const compare = async (label: string) => {
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
      ctx.log(`S7 github ${label} rep ${rep + 1}: Octokit direct p50 ${a.toFixed(2)} ms, as the connector sets it up ${c.toFixed(2)} ms, through the hub ${b.toFixed(2)} ms`);
    }
    return { hubP50, directP50, pluggedP50 };
  };
  const ratios = (over: number[], under: number[]) => median(over.map((h, i) => h / under[i]!));

  try {
    ctx.log('S7 github: warm-up');
    await window(throughHub);
    await window(direct);
    await window(directPlugged);
    // The issue's target is on top of the upstream's own latency: the fake answers after
    // GITHUB_LIKE_LATENCY_MS, well under what api.github.com takes, so the hub's share still shows.
    fake.latencyMs = GITHUB_LIKE_LATENCY_MS;
    const slow = await compare(`(fake answers after ${GITHUB_LIKE_LATENCY_MS} ms)`);
    // With an instant fake the ratio is the hub's whole cost against two sub-millisecond local
    // requests: no target, but it is where a regression shows first.
    fake.latencyMs = 0;
    const instant = await compare('(instant fake)');
    return [
      row('S7 github', `get_issue p50 through the hub, 10 comments, fake answering after ${GITHUB_LIKE_LATENCY_MS} ms (vs the same Octokit requests)`, 'ms', median(slow.hubP50), median(slow.directP50), ratios(slow.hubP50, slow.directP50), 'ratio <= 1.5',
        'MCP client, HTTP, SDK, bus, allowlist, throttling plugin, cleaning and fencing of third-party text, on top of an upstream latency'),
      row('S7 github', 'get_issue p50 through the hub, instant fake (vs the same Octokit requests)', 'ms', median(instant.hubP50), median(instant.directP50), ratios(instant.hubP50, instant.directP50), null,
        'the whole cost of the hub path against two local sub-millisecond requests'),
      row('S7 github', 'get_issue p50 through the hub vs Octokit direct set up as the connector does (throttling plugin), instant fake', 'ms', median(instant.hubP50), median(instant.pluggedP50), ratios(instant.hubP50, instant.pluggedP50), null,
        'what the hub and connector add beyond Octokit'),
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
