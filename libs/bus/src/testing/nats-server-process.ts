import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ServerProcess, freePort } from './server-process';

/** Where Debian installs nats-server; override with NATS_SERVER_BIN. */
const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * A nats-server (with JetStream) of the test's own, on a free loopback port, for tests that stop
 * and restart the broker (the machine's shared server on 4222 must stay up for everyone else).
 */
export class NatsServerProcess extends ServerProcess {
  private readonly storeDir = mkdtempSync(path.join(tmpdir(), 'nats-test-'));
  private config?: { file: string; monitorPort: number; env: Record<string, string> };

  static async start(port?: number): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  /**
   * Starts one with a configuration file's text (users, permissions), as deployed: only the
   * JetStream `store_dir` is replaced by a directory of its own, and the client and monitoring
   * ports by free ones. `env` feeds the file's `$VARIABLES` (passwords).
   */
  static async withConfig(text: string, env: Record<string, string>): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(await freePort());
    const file = path.join(server.storeDir, 'nats.conf');
    const storeDir = `store_dir: "${path.join(server.storeDir, 'jetstream')}"`;
    writeFileSync(file, text.split('\n').map((line) => (line.trim().startsWith('store_dir') ? storeDir : line)).join('\n'));
    server.config = { file, monitorPort: await freePort(), env };
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command() {
    if (this.config) {
      const { file, monitorPort, env } = this.config;
      return { bin: NATS_SERVER_BIN, args: ['-c', file, '-a', '127.0.0.1', '-p', String(this.port), '-m', String(monitorPort)], env };
    }
    return { bin: NATS_SERVER_BIN, args: ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir] };
  }

  override async stop(): Promise<void> {
    await super.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
