import { ServerProcess, freePort } from './server-process';

/** Where Debian installs redis-server; override with REDIS_SERVER_BIN. */
const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/**
 * A redis-server of the test's own on a free loopback port. By default without persistence
 * (`--save "" --appendonly no`): a restart comes back empty, as a cache-only Redis does after a
 * crash. With `persistDir`, an append-only file fsynced on every write in that directory: a
 * restart (even after SIGKILL) comes back with every acknowledged write, as a queue's Redis is run.
 */
export class RedisServerProcess extends ServerProcess {
  private persistDir?: string;

  static async start(port?: number, options: { persistDir?: string } = {}): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(port ?? (await freePort()));
    server.persistDir = options.persistDir;
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command() {
    const persistence = this.persistDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.persistDir] : ['--appendonly', 'no'];
    return { bin: REDIS_SERVER_BIN, args: ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence] };
  }
}
