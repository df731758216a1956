import { Writable } from 'node:stream';
import pino from 'pino';
import type { ErrorReply } from '@mcp-hub/connector-contract';
import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { ConnectorHarness } from '@mcp-hub/connector-kit/testing';
import { SlackConfigSchema } from '../config';
import type { SlackDeps } from '../slack-deps';
import { createSlackConnector } from '../slack-module';
import { FakeSlack } from './fake-slack';

export interface SlackTestbed {
  fake: FakeSlack;
  harness: ConnectorHarness<SlackDeps>;
  /** Log lines the connector wrote (to check that no token reaches them). */
  logs: string[];
  /** Calls a tool and returns its structured result. */
  call<T = Record<string, unknown>>(tool: string, args: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Calls a tool that must fail and returns the error reply. */
  fail(tool: string, args: Record<string, unknown>, timeoutMs?: number): Promise<ErrorReply>;
  stop(): Promise<void>;
}

/**
 * The Slack connector built from configuration exactly as the CLI builds it (schema parse,
 * `create`, the kit's tool exposure), pointed at `fake`, on an in-process bus. The poller's
 * announcements reach the harness's record (`harness.resourceUpdates`).
 * @param config `connectors.slack` settings besides the tokens and the URL, which come from the fake; `writeMode` defaults to true.
 */
export async function startSlackTestbed(fake: FakeSlack, config: Record<string, unknown> = {}): Promise<SlackTestbed> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const { writeMode = true, toolsets, tools, ...own } = config;
  const settings = SlackConfigSchema.parse({ botToken: fake.botToken, userToken: fake.userToken, apiUrl: fake.apiUrl, pollIntervalMs: 0, ...own });
  const built = await createSlackConnector(settings, pino({ level: 'debug' }, stream));
  const connector = exposeTools(built.connector, ToolExposureSchema.parse({ writeMode, toolsets, tools }));
  const harness = await ConnectorHarness.start(connector, built.deps);
  built.attach!(harness.service);
  return {
    fake,
    harness,
    logs,
    async call(tool, args, timeoutMs = 5000) {
      const outcome = await harness.callToolOutcome(tool, args, { timeoutMs });
      if (!outcome.ok) throw new Error(`${tool} failed: ${outcome.error.kind}: ${outcome.error.message}`);
      return outcome.result.structuredContent as never;
    },
    async fail(tool, args, timeoutMs = 5000) {
      const outcome = await harness.callToolOutcome(tool, args, { timeoutMs });
      if (outcome.ok) throw new Error(`expected ${tool} to fail, but it succeeded`);
      return outcome.error;
    },
    async stop() {
      await harness.stop();
      await built.close();
    },
  };
}
