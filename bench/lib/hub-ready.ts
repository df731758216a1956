import { sleep } from './processes';

/** Waits until the hub's /readyz counts as many connectors as `ids` (the bench's hub runs only those). */
export async function waitForConnectors(mcpUrl: string, ids: string[], timeoutMs = 20_000): Promise<void> {
  const readyz = new URL('/readyz', mcpUrl);
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const response = await fetch(readyz);
      const body = (await response.json()) as { connectors?: number };
      last = JSON.stringify(body);
      if ((body.connectors ?? 0) >= ids.length) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`hub at ${mcpUrl} did not list ${ids.join(', ')} within ${timeoutMs} ms (last: ${last})`);
}
