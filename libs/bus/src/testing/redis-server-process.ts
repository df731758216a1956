import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitForPort } from './nats-server-process';

/** Where Debian installs redis-server; override with REDIS_SERVER_BIN. */
const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/**
 * A redis-server of the test's own on a free loopback port, without persistence (`--save ""
 * --appendonly no`): a restart comes back empty, as a cache-only Redis does after a crash.
 */
export class RedisServerProcess {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) return;
    this.child = spawn(REDIS_SERVER_BIN, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child.once('exit', () => (this.child = undefined));
    await waitForPort(this.port, 10_000);
  }

  /** Kills the server (SIGKILL: clients see the connection drop, as in a crash). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}
