import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The Web `Request` an SDK transport needs for a Node request whose body the front has already
 * parsed: method, URL and headers only (the transport takes the parsed body alongside, so the
 * body is not serialised a second time).
 */
export function toBodylessRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
}

/**
 * Writes a Web `Response` to a Node response, streaming the body (SSE) with backpressure.
 * When the client goes away the body is cancelled at once, so the transport forgets the stream
 * immediately (a reconnecting GET is not refused as a duplicate). Resolves when the body ends.
 */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // An SSE stream may stay silent for a while: the client (and any proxy) must get the headers now.
  res.flushHeaders();
  const reader = response.body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
        });
      }
    }
  } catch {
    // The client went away mid-stream; nothing to answer.
  } finally {
    res.off('close', cancel);
    res.end();
  }
}
