import path from 'node:path';
import { ServerProcess, freePort } from '@mcp-hub/bus/testing';

/** The aedes broker of `aedes-broker.mjs` on a loopback port of its own: killed and restarted by tests. */
export class AedesProcess extends ServerProcess {
  private constructor(
    port: number,
    private readonly env: Record<string, string>,
  ) {
    super(port);
  }

  static async start(env: Record<string, string> = {}): Promise<AedesProcess> {
    const broker = new AedesProcess(await freePort(), env);
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  protected command() {
    return { bin: process.execPath, args: [path.join(__dirname, 'aedes-broker.mjs'), String(this.port)], env: this.env };
  }
}
