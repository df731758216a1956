import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ErrorReply } from '@mcp-hub/connector-contract';
import { ConnectorHarness } from '@mcp-hub/connector-kit/testing';
import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { EmailConfigSchema, type EmailConfigInput } from '../config';
import { createEmailConnector } from '../create-email-connector';
import type { EmailDeps } from '../email-deps';

const DEFAULT_PRINCIPAL = 'agent@demo-shop.example';

export interface EmailTestbed {
  harness: ConnectorHarness<EmailDeps>;
  deps: EmailDeps;
  /** Resource URIs announced as updated (by calls and by the watcher), in order. */
  updates: readonly string[];
  /** Log lines the connector wrote. */
  logs: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loosely typed structured results
  call<T = Record<string, any>>(tool: string, args: Record<string, unknown>, principal?: string): Promise<T>;
  fail(tool: string, args: Record<string, unknown>, principal?: string): Promise<ErrorReply>;
  stop(): Promise<void>;
}

/**
 * The email connector built from configuration exactly as the CLI builds it (schema, create,
 * exposure, watch), on an in-process bus. Without `config.store`, a fresh Maildir with the demo
 * mailbox in a temporary directory (the embedded mode's store); without `config.transport`, the
 * local outbox.
 */
export async function startEmail(options: { config?: Partial<EmailConfigInput>; writeMode?: boolean } = {}): Promise<EmailTestbed> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-email-'));
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _e, done) => void (logs.push(String(chunk)), done()) }));
  const config = EmailConfigSchema.parse({
    store: { kind: 'maildir', path: join(dir, 'Maildir'), seedDemoData: true },
    from: 'support@demo-shop.example',
    allowedRecipients: ['example.com', 'vip@example.org'],
    pollIntervalMs: 200,
    ...options.config,
  });
  const built = await createEmailConnector(config, logger).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const connector = exposeTools(built.connector, ToolExposureSchema.parse({ writeMode: options.writeMode ?? true }));
  const harness = await ConnectorHarness.start<EmailDeps>(connector, built.deps);
  built.attach!(harness.service);
  return {
    harness,
    deps: built.deps,
    updates: harness.resourceUpdates,
    logs,
    async call<T>(tool: string, args: Record<string, unknown>, principal = DEFAULT_PRINCIPAL) {
      const result = await harness.callTool(tool, args, { principal: { id: principal, scopes: [] }, timeoutMs: 10_000 });
      return result.structuredContent as T;
    },
    async fail(tool, args, principal = DEFAULT_PRINCIPAL) {
      const outcome = await harness.callToolOutcome(tool, args, { principal: { id: principal, scopes: [] }, timeoutMs: 10_000 });
      if (outcome.ok) throw new Error(`expected ${tool} to fail with an error reply, but it succeeded`);
      return outcome.error;
    },
    async stop() {
      await harness.stop();
      await built.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
