import type { IncomingMessage } from 'node:http';
import { validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import { HttpError } from './http-error';

/**
 * A Host header as browsers and HTTP clients send it: a DNS name, an IPv4 address or a
 * bracketed IPv6 address, and an optional port. Nothing else (user info, paths, spaces) is let
 * through to URL parsing: `evil.com@127.0.0.1` parses as host 127.0.0.1 with credentials, which
 * the allowlist would accept and Request construction then throws on.
 */
const WELL_FORMED_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?$/;
const MAX_HOST_CHARS = 261; // 255-character name + ":65535"

/**
 * DNS-rebinding protection for every path the front serves: the Host header must be well formed
 * and name an allowed host; an Origin header, when present (browsers), must name an allowed one.
 * @throws HttpError 400 for a missing or malformed Host, 403 for a Host or Origin not allowed
 */
export function assertAllowedHostAndOrigin(req: IncomingMessage, allowedHosts: readonly string[], allowedOrigins: readonly string[]): void {
  const host = req.headers.host;
  if (!host) throw new HttpError(400, -32000, 'Bad Request: missing Host header');
  if (host.length > MAX_HOST_CHARS || !WELL_FORMED_HOST.test(host)) {
    throw new HttpError(400, -32000, 'Bad Request: malformed Host header (expected host or host:port)');
  }
  const hostCheck = validateHostHeader(host, [...allowedHosts]);
  if (!hostCheck.ok) throw new HttpError(403, -32000, `Forbidden: ${hostCheck.message}`);
  const originCheck = validateOriginHeader(req.headers.origin, [...allowedOrigins]);
  if (!originCheck.ok) throw new HttpError(403, -32000, `Forbidden: ${originCheck.message}`);
}
