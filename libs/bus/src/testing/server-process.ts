import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/**
 * A server binary of the test's own (nats-server, redis-server) on a loopback port: started,
 * killed like a crash and restarted on the same port, for tests of broker and store faults.
 */
export abstract class ServerProcess {
  private child?: ChildProcess;

  protected constructor(readonly port: number) {}

  /** The binary, its arguments and extra environment variables. */
  protected abstract command(): { bin: string; args: string[]; env?: Record<string, string> };

  /** Starts (again) on the same port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) return;
    const { bin, args, env } = this.command();
    this.child = spawn(bin, args, { stdio: 'ignore', env: { ...process.env, ...env } });
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the loopback port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
