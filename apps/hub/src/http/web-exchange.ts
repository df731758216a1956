import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers the SDK's streamable HTTP transport reads. Copying only these (not every header of
 * the request) keeps the per-request Web `Request` cheap: it is on every call's path.
 */
const TRANSPORT_HEADERS = ['accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'authorization', 'host', 'origin'];

/**
 * The Web `Request` an SDK transport needs for a Node request whose body the front has already
 * parsed: method, URL and the headers the transport reads (the transport takes the parsed body
 * alongside, so the body is not serialised a second time).
 */
export function toBodylessRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const name of TRANSPORT_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
}

/**
 * Writes a Web `Response` to a Node response, streaming the body (SSE) with backpressure.
 * When the client goes away the body is cancelled at once, so the transport forgets the stream
 * immediately (a reconnecting GET is not refused as a duplicate). Resolves when the body ends.
 * `stream` (the GET stream) sends the headers before any event.
 */
export async function writeWebResponse(res: ServerResponse, response: Response, stream: boolean): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // A GET stream may stay silent for a while: the client (and any proxy) must get the headers now.
  // A POST's answer follows at once, so its headers go out with the first event in one write.
  if (stream) res.flushHeaders();
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
