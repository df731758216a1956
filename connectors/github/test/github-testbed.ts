import { Writable } from 'node:stream';
import pino from 'pino';
import { Redactor, buildConnector, type BuiltConnector } from '@mcp-hub/connector-kit';
import { ConnectorHarness, ConnectorReplyError } from '@mcp-hub/connector-kit/testing';
import { githubModule } from '../src/github-module';
import type { GithubDeps } from '../src/github-deps';
import { FakeGithub, TEST_TOKEN } from '../src/testing';

export { TEST_TOKEN };

export interface GithubTestbed {
  fake: FakeGithub;
  harness: ConnectorHarness<GithubDeps>;
  built: BuiltConnector<GithubDeps>;
  logs: string[];
  /** Structured content of a successful call; throws with the error kind otherwise. */
  call(tool: string, args: Record<string, unknown>): Promise<Record<string, any>>;
  /** The error kind, message and wait of a failed call. */
  failure(tool: string, args: Record<string, unknown>): Promise<{ kind: string; message: string; retryAfterMs?: number }>;
  stop(): Promise<void>;
}

/** A fake GitHub with repositories `acme/app` (allowed), `acme/docs` (allowed) and `evil/private` (not), and the connector built from configuration as the CLI builds it. */
export async function startGithub(config: Record<string, unknown> = {}, seed?: (fake: FakeGithub) => void, sharedFake?: FakeGithub): Promise<GithubTestbed> {
  const fake = sharedFake ?? (await new FakeGithub(TEST_TOKEN).start());
  if (!sharedFake) {
    fake.addRepo({ owner: 'acme', name: 'app', description: 'The app' });
    fake.addRepo({ owner: 'acme', name: 'docs' });
    fake.addRepo({ owner: 'evil', name: 'private', private: true });
  }
  seed?.(fake);
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));
  const fromFile = {
    baseUrl: fake.url,
    auth: { kind: 'token', token: TEST_TOKEN },
    repositories: ['acme/app', 'acme/docs'],
    throttle: { writeIntervalMs: 0, searchIntervalMs: 0, retryAfterUnitMs: 10 },
    ...config,
  };
  const built = await buildConnector(githubModule, { embedded: false, dataDir: '', fromFile, env: {}, redactor: new Redactor() }, logger).catch(async (error: unknown) => {
    await fake.stop();
    throw error;
  });
  const harness = await ConnectorHarness.start(built.connector, built.deps);
  const failure = async (tool: string, args: Record<string, unknown>) => {
    try {
      await harness.callTool(tool, args, { timeoutMs: 5000 });
    } catch (error) {
      if (error instanceof ConnectorReplyError) return { kind: error.reply.kind, message: error.reply.message, ...(error.reply.retryAfterMs !== undefined && { retryAfterMs: error.reply.retryAfterMs }) };
      throw error;
    }
    throw new Error(`${tool} succeeded, a failure was expected`);
  };
  return {
    fake,
    harness,
    built,
    logs,
    failure,
    call: async (tool, args) => (await harness.callTool(tool, args, { timeoutMs: 5000 })).structuredContent as Record<string, any>,
    stop: async () => {
      await harness.stop();
      await built.close();
      await fake.stop();
    },
  };
}
