import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Hub } from '../hub';
import { HttpError } from '../http/http-error';
import { AdminAuth } from './admin-auth';
import { DEFINITION_KINDS, type DefinitionKind } from '../pinning/pin-store';
import { adminPage, approvalsFragment, callsFragment, connectorsFragment, jobsFragment, loginPage, quarantineFragment, sessionsFragment, type SessionSummary } from './admin-views';
import { AUDIT_RECORDS_SHOWN, auditFragment, auditVerifyFragment } from './audit-views';
import { html, type Html } from './html';

/** What the admin page reads besides the hub: the HTTP front's sessions. */
export interface AdminSources {
  hub: Hub;
  sessions(): SessionSummary[];
  listenStreams(): number;
}

/** `/admin/api/approvals/<id>/approve|deny` (JSON) and `/admin/fragments/approvals/<id>/approve|deny` (the page's buttons). */
const DECISION_PATH = /^\/admin\/(api\/|fragments\/)approvals\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/(approve|deny)$/;
/** Most jobs the jobs view lists. */
const RECENT_JOBS = 20;

/** Largest login form accepted, bytes. */
const MAX_FORM_BYTES = 4096;

/** No inline script or style anywhere, nothing from another origin. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it, browsers send `Origin: null` on form posts, which the Origin allowlist refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Static assets, read once: htmx from its npm package, the stylesheet from this folder. */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'htmx.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(path.dirname(require.resolve('htmx.org/package.json')), 'dist/htmx.min.js')) },
  'admin.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(__dirname, 'admin.css')) },
};

/**
 * `/admin`: a server-rendered page whose parts htmx refreshes every second or three (live
 * connectors with their replicas and tools, sessions, recent calls, calls waiting for approval with
 * approve and deny buttons, the audit log, definitions held by tool pinning with a re-approve
 * button, recent jobs), and `/admin/api/state` with the first three as JSON; `/admin/api/approvals`
 * lists the pending approvals, `POST /admin/api/approvals/<id>/approve|deny` decides one.
 * Behind the admin token ({@link AdminAuth}); disabled (404) when none is configured.
 */
export class AdminRoutes {
  private readonly auth?: AdminAuth;

  constructor(
    private readonly sources: AdminSources,
    token: string | undefined,
  ) {
    this.auth = token === undefined ? undefined : new AdminAuth(token);
  }

  /** Answers a request under /admin. */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (!this.auth) return send(res, 404, 'application/json', JSON.stringify({ error: 'the admin page is off: set admin.token (MCP_HUB_ADMIN_TOKEN)' }));
    const method = req.method ?? 'GET';
    const asset = pathname.startsWith('/admin/assets/') ? ASSETS[pathname.slice('/admin/assets/'.length)] : undefined;
    if (asset && method === 'GET') return send(res, 200, asset.type, asset.body, { 'cache-control': 'max-age=3600' });
    if (pathname === '/admin/login') return method === 'POST' ? this.login(req, res) : page(res, 200, loginPage(false));
    if (pathname === '/admin/logout' && method === 'POST') return redirect(res, '/admin/login', AdminAuth.logoutCookie());
    if (!this.auth.isAdmin(req)) {
      if (pathname === '/admin' && method === 'GET') return redirect(res, '/admin/login');
      return send(res, 401, 'application/json', JSON.stringify({ error: 'admin token required' }), { 'www-authenticate': 'Bearer realm="mcp-hub admin"' });
    }
    const decision = DECISION_PATH.exec(pathname);
    if (decision && method === 'POST') return this.decide(req, res, decision[1] === 'api/' ? 'json' : 'fragment', decision[2]!, decision[3] === 'approve' ? 'approved' : 'denied');
    if (pathname === '/admin/quarantine/approve' && method === 'POST') return this.approve(req, res);
    if (method !== 'GET') return send(res, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }));
    const { hub } = this.sources;
    switch (pathname) {
      case '/admin':
        return page(res, 200, adminPage(hub.hubId));
      case '/admin/fragments/connectors':
        return page(res, 200, connectorsFragment(hub.inventory.snapshot()));
      case '/admin/fragments/sessions':
        return page(res, 200, sessionsFragment(this.sources.sessions(), this.sources.listenStreams()));
      case '/admin/fragments/calls':
        return page(res, 200, callsFragment(hub.recentCalls.list()));
      case '/admin/fragments/approvals':
        return page(res, 200, approvalsFragment(hub.approvals ? await hub.approvals.pending() : undefined));
      case '/admin/api/approvals':
        if (!hub.approvals) return send(res, 404, 'application/json', JSON.stringify({ error: 'this hub holds no calls for approval' }));
        return send(res, 200, 'application/json', JSON.stringify({ pending: await hub.approvals.pending() }));
      case '/admin/fragments/audit':
        return page(res, 200, auditFragment(await hub.audit?.recent(AUDIT_RECORDS_SHOWN), hub.audit?.queued ?? 0));
      case '/admin/fragments/audit-verify':
        // Walks the whole chain: only when the page loads or the button asks, never on the refresh timer.
        return page(res, 200, hub.audit ? auditVerifyFragment(await hub.audit.verify()) : html`<p class="muted">The audit log is off.</p>`);
      case '/admin/fragments/quarantine':
        return page(res, 200, quarantineFragment(hub.pins?.heldRecords(), this.auth.csrfToken(req)));
      case '/admin/fragments/jobs':
        return page(res, 200, await this.jobsView());
      case '/admin/api/state':
        return send(res, 200, 'application/json', JSON.stringify({ hubId: hub.hubId, connectors: hub.inventory.snapshot(), sessions: this.sources.sessions(), listenStreams: this.sources.listenStreams(), calls: hub.recentCalls.list() }));
      default:
        return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    }
  }

  /**
   * Approves or denies a pending request. A browser's POST must come from htmx (`HX-Request`,
   * which a cross-site form cannot send), on top of the SameSite cookie and the Origin check.
   */
  private async decide(req: IncomingMessage, res: ServerResponse, answer: 'json' | 'fragment', id: string, decision: 'approved' | 'denied'): Promise<void> {
    const { approvals } = this.sources.hub;
    if (!req.headers.authorization?.startsWith('Bearer ') && req.headers['hx-request'] !== 'true') {
      return send(res, 403, 'application/json', JSON.stringify({ error: 'send the admin token as a bearer token, or use the admin page' }));
    }
    if (!approvals) return send(res, 404, 'application/json', JSON.stringify({ error: 'this hub holds no calls for approval' }));
    const record = await approvals.decide(id, decision, 'admin');
    if (answer === 'fragment') return page(res, 200, approvalsFragment(await approvals.pending(), record ? `${decision} ${record.tool} (${record.id.slice(0, 8)})` : 'That request is no longer pending (decided, or expired).'));
    if (!record) return send(res, 404, 'application/json', JSON.stringify({ error: `no pending approval ${id} (decided, expired, or unknown)` }));
    return send(res, 200, 'application/json', JSON.stringify({ approval: record }));
  }

  /**
   * The re-approve button: approves the held definition the form names (kind and name), as
   * `mcp-hub tools approve --kind` does, then back to the page. Needs the form's CSRF token.
   */
  private async approve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req, MAX_FORM_BYTES));
    if (!this.auth!.csrfValid(req, form.get('csrf') ?? '')) return send(res, 403, 'application/json', JSON.stringify({ error: 'missing or stale form token: reload the page' }));
    const pins = this.sources.hub.pins;
    if (!pins) return send(res, 404, 'application/json', JSON.stringify({ error: 'tool pinning is off on this hub' }));
    const kind = form.get('kind') ?? '';
    const name = form.get('name') ?? '';
    if (!DEFINITION_KINDS.includes(kind as DefinitionKind) || name.length === 0 || name.length > 2048) return send(res, 400, 'application/json', JSON.stringify({ error: 'kind and name of a held definition required' }));
    const approved = await pins.approve(name, kind as DefinitionKind);
    if (approved.length === 0) return send(res, 404, 'application/json', JSON.stringify({ error: 'nothing is held under that name (approved already?)' }));
    redirect(res, '/admin#quarantine');
  }

  /** Recent jobs of the live connectors that have job tools; says so when the hub has no job queue, or Redis does not answer. */
  private async jobsView(): Promise<Html> {
    const { hub } = this.sources;
    if (!hub.jobs) return jobsFragment(undefined);
    const connectors = [...new Set(hub.inventory.tools().filter((t) => t.descriptor.execution === 'job').map((t) => t.connector))];
    try {
      return jobsFragment(await hub.jobs.recent(connectors, RECENT_JOBS));
    } catch {
      return html`<p class="warn">The job queue (Redis) does not answer.</p>`;
    }
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req, MAX_FORM_BYTES));
    if (!this.auth!.tokenMatches(form.get('token') ?? '')) return page(res, 401, loginPage(true));
    redirect(res, '/admin', this.auth!.loginCookie());
  }
}

function page(res: ServerResponse, status: number, markup: Html): void {
  send(res, status, 'text/html; charset=utf-8', markup.text);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra }).end(body);
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  res.writeHead(303, { ...SECURITY_HEADERS, location, ...(cookie && { 'set-cookie': cookie }) }).end();
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new HttpError(413, -32000, 'login form too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
