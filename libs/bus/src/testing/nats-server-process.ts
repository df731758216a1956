import { mkdtempSync, rmSync } from 'node:fs';
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

  static async start(port?: number): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command() {
    return { bin: NATS_SERVER_BIN, args: ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir] };
  }

  override async stop(): Promise<void> {
    await super.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
