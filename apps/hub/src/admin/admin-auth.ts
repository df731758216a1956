import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The admin page's cookie: HttpOnly, SameSite=Strict, scoped to /admin. */
export const ADMIN_COOKIE = 'mcphub_admin';
/** How long a login lasts. */
const SESSION_MS = 8 * 60 * 60_000;

/**
 * Who may see the admin page: the holder of the admin token (`admin.token`, or the one the
 * embedded mode generates and prints). A browser logs in once with a form and gets a cookie
 * holding an HMAC-signed expiry, never the token; scripts send `Authorization: Bearer <token>`.
 * Comparisons are constant-time over SHA-256 digests, so neither length nor content leaks.
 */
export class AdminAuth {
  private readonly tokenDigest: Buffer;
  /** Per process: a restart logs every browser out, which is fine for an admin page. */
  private readonly cookieKey = randomBytes(32);

  constructor(token: string) {
    if (token.length < 16) throw new Error('the admin token must be at least 16 characters');
    this.tokenDigest = digest(token);
  }

  /** A fresh random token, for the embedded mode when none is configured. */
  static generateToken(): string {
    return randomBytes(24).toString('base64url');
  }

  tokenMatches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.tokenDigest);
  }

  /** Whether the request carries a valid bearer token or login cookie. */
  isAdmin(req: IncomingMessage, now = Date.now()): boolean {
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Bearer ')) return this.tokenMatches(authorization.slice('Bearer '.length));
    const cookie = readCookie(req, ADMIN_COOKIE);
    return cookie !== undefined && this.cookieValid(cookie, now);
  }

  /**
   * The token a form on the page must send back with a state-changing POST (`csrf`): an HMAC of
   * the request's login cookie, so it is worth nothing without that cookie and changes at every
   * login. Defence in depth over the SameSite=Strict cookie and the Origin allowlist. Empty for a
   * bearer request (scripts: no ambient credential to forge with).
   */
  csrfToken(req: IncomingMessage): string {
    const cookie = readCookie(req, ADMIN_COOKIE);
    return cookie ? this.sign(`csrf\u0000${cookie}`) : '';
  }

  /** Whether a POST may act: a bearer token needs nothing more, a login cookie needs its {@link csrfToken}. */
  csrfValid(req: IncomingMessage, token: string): boolean {
    if (req.headers.authorization?.startsWith('Bearer ')) return true;
    const expected = Buffer.from(this.csrfToken(req));
    const given = Buffer.from(token);
    return expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The Set-Cookie header of a successful login. */
  loginCookie(now = Date.now()): string {
    const expires = String(now + SESSION_MS);
    return `${ADMIN_COOKIE}=${expires}.${this.sign(expires)}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}`;
  }

  static logoutCookie(): string {
    return `${ADMIN_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  private cookieValid(value: string, now: number): boolean {
    const dot = value.indexOf('.');
    if (dot < 1) return false;
    const expires = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(this.sign(expires));
    return given.length === expected.length && timingSafeEqual(given, expected) && Number(expires) > now;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.cookieKey).update(text).digest('base64url');
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
