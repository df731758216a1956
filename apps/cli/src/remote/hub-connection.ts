import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CommandFailure, ExitCode } from '../exit-codes';

/** How the client commands reach a running hub: `--url`/MCP_HUB_URL and `--token`/MCP_HUB_TOKEN. */
export interface HubConnectionFlags {
  url?: string;
  token?: string;
}

export const DEFAULT_HUB_URL = 'http://127.0.0.1:3000/mcp';

/**
 * Opens an MCP session with the hub as an ordinary client would (SDK client, Streamable HTTP).
 * The token goes in `Authorization: Bearer` and nowhere else: never in a message or a log line.
 * @throws CommandFailure (exit 3) naming the URL when the hub cannot be reached or refuses the session.
 */
export async function connectToHub(flags: HubConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  const rawUrl = flags.url ?? env.MCP_HUB_URL ?? DEFAULT_HUB_URL;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new CommandFailure(`--url: "${rawUrl}" is not a URL (expected e.g. ${DEFAULT_HUB_URL})`, ExitCode.usage);
  }
  const token = flags.token ?? env.MCP_HUB_TOKEN;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const client = new Client({ name: 'mcp-hub-cli', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new CommandFailure(`cannot open an MCP session with ${url.origin}${url.pathname}: ${describe(error, token)}; is the hub running (mcp-hub start / mcp-hub hub)?`, ExitCode.hubUnreachable);
  }
  return client;
}

/** An error's message with the token masked, should a transport ever echo a header back. */
export function describe(error: unknown, token?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return token ? message.split(token).join('***') : message;
}
