import { ServerProcess, freePort } from './server-process';

/** Where Debian installs redis-server; override with REDIS_SERVER_BIN. */
const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/**
 * A redis-server of the test's own on a free loopback port, without persistence (`--save ""
 * --appendonly no`): a restart comes back empty, as a cache-only Redis does after a crash.
 */
export class RedisServerProcess extends ServerProcess {
  static async start(port?: number): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command() {
    return { bin: REDIS_SERVER_BIN, args: ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'] };
  }
}
