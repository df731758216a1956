import type { IncomingMessage } from 'node:http';
import { ADMIN_COOKIE, AdminAuth } from './admin-auth';
import { html } from './html';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const TOKEN = 'a-long-enough-admin-token';

describe('AdminAuth', () => {
  const auth = new AdminAuth(TOKEN);

  it('accepts the bearer token, and nothing shorter, longer or different', () => {
    expect(auth.isAdmin(request({ authorization: `Bearer ${TOKEN}` }))).toBe(true);
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), '']) expect(auth.isAdmin(request({ authorization: `Bearer ${wrong}` }))).toBe(false);
    expect(auth.isAdmin(request({}))).toBe(false);
  });

  it('a login cookie holds a signed expiry, not the token; a tampered or expired one is refused', () => {
    const now = Date.now();
    const setCookie = auth.loginCookie(now);
    expect(setCookie).not.toContain(TOKEN);
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
    const value = setCookie.split(';')[0]!.slice(ADMIN_COOKIE.length + 1);
    expect(auth.isAdmin(request({ cookie: `other=1; ${ADMIN_COOKIE}=${value}` }), now)).toBe(true);
    const [expires, signature] = value.split('.');
    expect(auth.isAdmin(request({ cookie: `${ADMIN_COOKIE}=${Number(expires) + 1}.${signature}` }), now)).toBe(false);
    expect(auth.isAdmin(request({ cookie: `${ADMIN_COOKIE}=${value}` }), Number(expires) + 1)).toBe(false);
    // Another process (another key) does not accept it.
    expect(new AdminAuth(TOKEN).isAdmin(request({ cookie: `${ADMIN_COOKIE}=${value}` }), now)).toBe(false);
  });

  it('a form token belongs to one login cookie; a bearer request needs none', () => {
    const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;
    const mine = request({ cookie: cookieOf(auth.loginCookie(1_000)) });
    const other = request({ cookie: cookieOf(auth.loginCookie(2_000)) });
    const token = auth.csrfToken(mine);
    expect(token.length).toBeGreaterThan(20);
    expect(auth.csrfValid(mine, token)).toBe(true);
    expect(auth.csrfValid(other, token)).toBe(false);
    expect(auth.csrfValid(mine, '')).toBe(false);
    expect(auth.csrfValid(mine, `${token}x`)).toBe(false);
    expect(auth.csrfToken(request({}))).toBe('');
    expect(auth.csrfValid(request({}), '')).toBe(false);
    expect(auth.csrfValid(request({ authorization: `Bearer ${TOKEN}` }), '')).toBe(true);
  });

  it('refuses a short token at construction, and generates long random ones', () => {
    expect(() => new AdminAuth('short')).toThrow(/16 characters/);
    const [a, b] = [AdminAuth.generateToken(), AdminAuth.generateToken()];
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
  });
});

describe('html template', () => {
  it('escapes every interpolated value, keeps nested templates as markup', () => {
    const name = `<script>alert("x")</script>' onmouseover='x`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</td>',
    );
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.text).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
  });
});
