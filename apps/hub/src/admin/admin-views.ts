import type { ConnectorSnapshot } from '../inventory/inventory';
import type { JobSummary } from '../jobs/bull-job-queues';
import { definitionDiff } from '../pinning/definition-diff';
import type { PinRecord } from '../pinning/pin-store';
import { html, type Html } from './html';
import type { RecentCall } from './recent-calls';
import type { ApprovalRecord } from '../approvals/approval-store';

/** One 2025-era session held by this replica, as the admin page shows it (never the full id: it is a bearer of the session). */
export interface SessionSummary {
  idPrefix: string;
  client: string;
  protocolVersion: string;
  createdAt: number;
  idleMs: number;
  subscriptions: number;
  openStreams: number;
}

/** Every fragment refreshes itself: a connector that starts shows up without a reload. */
const REFRESH = 'load, every 1s';
/** Quarantine and jobs change rarely, and jobs cost a Redis round trip per connector. */
const SLOW_REFRESH = 'load, every 3s';

export function adminPage(hubId: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true}'>
<title>mcp-hub admin</title>
<link rel="stylesheet" href="/admin/assets/admin.css">
<script src="/admin/assets/htmx.min.js"></script>
</head>
<body>
<header><h1>mcp-hub admin</h1><span class="muted">hub ${hubId}</span>
<form method="post" action="/admin/logout"><button type="submit">Log out</button></form></header>
<main>
<section><h2>Waiting for approval</h2><div id="approvals" hx-get="/admin/fragments/approvals" hx-trigger="load, every 2s">loading…</div></section>
<section><h2>Connectors</h2><div id="connectors" hx-get="/admin/fragments/connectors" hx-trigger="${REFRESH}">loading…</div></section>
<section><h2>Sessions</h2><div id="sessions" hx-get="/admin/fragments/sessions" hx-trigger="${REFRESH}">loading…</div></section>
<section><h2>Recent calls</h2><div id="calls" hx-get="/admin/fragments/calls" hx-trigger="${REFRESH}">loading…</div></section>
<section><h2>Audit</h2><div id="audit-verify" hx-get="/admin/fragments/audit-verify" hx-trigger="load">loading…</div>
<div id="audit" hx-get="/admin/fragments/audit" hx-trigger="load, every 2s">loading…</div></section>
<section><h2>Quarantine</h2><div id="quarantine" hx-get="/admin/fragments/quarantine" hx-trigger="${SLOW_REFRESH}">loading…</div></section>
<section><h2>Jobs</h2><div id="jobs" hx-get="/admin/fragments/jobs" hx-trigger="${SLOW_REFRESH}">loading…</div></section>
</main>
</body>
</html>
`;
}

export function loginPage(failed: boolean): Html {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>mcp-hub admin: log in</title><link rel="stylesheet" href="/admin/assets/admin.css"></head>
<body><main class="login">
<h1>mcp-hub admin</h1>
${failed ? html`<p class="error" role="alert">That token is not the admin token.</p>` : ''}
<form method="post" action="/admin/login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
<p class="muted">The embedded hub prints its admin token at start; a distributed hub takes it from <code>admin.token</code> or <code>MCP_HUB_ADMIN_TOKEN</code>.</p>
</main></body></html>
`;
}

export function connectorsFragment(connectors: ConnectorSnapshot[]): Html {
  if (connectors.length === 0) return html`<p class="muted">No connector is live.</p>`;
  return html`<table class="connectors"><thead><tr><th>Connector</th><th>Version</th><th>Health</th><th>Replicas</th><th>Tools</th><th>Resources</th><th>Prompts</th></tr></thead><tbody>
${connectors.map((c) => {
    const late = c.replicas.filter((r) => r.lastSeenMsAgo > r.heartbeatMs * 1.5).length;
    const mixed = c.replicas.some((r) => !r.sameManifest);
    const health = late > 0 ? `${late} late` : mixed ? 'versions differ' : 'healthy';
    return html`<tr data-connector="${c.id}">
<td><strong>${c.id}</strong>${c.title ? html`<br><span class="muted">${c.title}</span>` : ''}</td>
<td>${c.version}</td>
<td class="${health === 'healthy' ? 'ok' : 'warn'}">${health}</td>
<td><ul class="plain">${c.replicas.map((r) => html`<li title="${r.replicaId}">${r.replicaId.slice(0, 8)} v${r.version}${r.serving ? ' (served)' : ''}, seen ${Math.round(r.lastSeenMsAgo / 100) / 10} s ago</li>`)}</ul></td>
<td><details><summary>${c.tools.length}</summary><ul class="plain">${c.tools.map((t) => html`<li>${t.name}${t.readOnly ? '' : html` <span class="tag">${t.destructive ? 'destructive' : 'write'}</span>`}</li>`)}</ul></details></td>
<td>${c.resources} + ${c.resourceTemplates} templates</td>
<td>${c.prompts}</td>
</tr>`;
  })}
</tbody></table>`;
}

export function sessionsFragment(sessions: SessionSummary[], listenStreams: number, now = Date.now()): Html {
  const summary = html`<p>${sessions.length} session${sessions.length === 1 ? '' : 's'} (2025-11-25) held by this replica; ${listenStreams} 2026-07-28 listen stream${listenStreams === 1 ? '' : 's'} open.</p>`;
  if (sessions.length === 0) return summary;
  return html`${summary}<table><thead><tr><th>Session</th><th>Client</th><th>Protocol</th><th>Age</th><th>Idle</th><th>Subscriptions</th><th>Streams</th></tr></thead><tbody>
${sessions.map((s) => html`<tr><td><code>${s.idPrefix}…</code></td><td>${s.client}</td><td>${s.protocolVersion}</td><td>${seconds(now - s.createdAt)}</td><td>${seconds(s.idleMs)}</td><td>${s.subscriptions}</td><td>${s.openStreams}</td></tr>`)}
</tbody></table>`;
}

export function callsFragment(calls: RecentCall[]): Html {
  if (calls.length === 0) return html`<p class="muted">No call yet.</p>`;
  return html`<table class="calls"><thead><tr><th>Ended</th><th>Connector</th><th>What</th><th>Outcome</th><th>Latency</th></tr></thead><tbody>
${calls.map((c) => html`<tr data-tool="${c.tool}"><td>${new Date(c.at).toISOString().slice(11, 23)}</td><td>${c.connector}</td><td>${c.tool || c.operation}</td><td class="${c.outcome === 'ok' ? 'ok' : 'warn'}">${c.outcome}</td><td>${c.ms} ms</td></tr>`)}
</tbody></table>`;
}

/**
 * Calls waiting for a person, with what they would do (the redacted summary) and buttons that
 * decide them; `notice` says what the last button did. Undefined: this hub holds no calls.
 */
export function approvalsFragment(pending: ApprovalRecord[] | undefined, notice?: string, now = Date.now()): Html {
  const said = notice ? html`<p class="muted" role="status">${notice}</p>` : '';
  if (!pending) return html`<p class="muted">This hub holds no calls for approval.</p>`;
  if (pending.length === 0) return html`${said}<p class="muted">No call is waiting for approval.</p>`;
  return html`${said}<table class="approvals"><thead><tr><th>Call</th><th>Arguments</th><th>Why</th><th>Expires in</th><th></th></tr></thead><tbody>
${pending.map(
    (a) => html`<tr data-approval="${a.id}"><td><strong>${a.tool}</strong><br><span class="muted">by ${a.principalId}</span><br><code title="${a.id}">${a.id.slice(0, 8)}</code></td>
<td><pre>${a.summary}</pre></td><td>${a.reason.replaceAll('_', ' ')}</td><td>${seconds(a.expiresAt - now)}</td>
<td><button class="approve" hx-post="/admin/fragments/approvals/${a.id}/approve" hx-target="#approvals">Approve</button>
<button class="deny" hx-post="/admin/fragments/approvals/${a.id}/deny" hx-target="#approvals">Deny</button></td></tr>`,
  )}
</tbody></table>`;
}

/**
 * Definitions held by tool pinning, each with why, the scanner's findings, the fields that
 * differ from the approved definition, and a re-approve form (POST with the CSRF token).
 * `undefined` records: pinning is off on this hub.
 */
export function quarantineFragment(records: PinRecord[] | undefined, csrf: string): Html {
  if (!records) return html`<p class="muted">Tool pinning is off on this hub (pinning.enabled, or pinning.postgresUrl for a distributed hub).</p>`;
  if (records.length === 0) return html`<p class="muted">Nothing is held: every definition served is the approved one.</p>`;
  return html`<p>${records.length} definition${records.length === 1 ? '' : 's'} held until approved: hidden from lists, unknown to calls.</p>
${records.map((record) => {
    const why = record.approvedHash === null ? 'flagged on first sight, never approved' : 'changed since it was approved';
    return html`<article class="held" data-held="${record.kind}:${record.name}">
<h3>${record.kind} <code>${record.name}</code> <span class="tag">${why}</span></h3>
${record.findings.length > 0 ? html`<ul class="findings">${record.findings.map((f) => html`<li>${f}</li>`)}</ul>` : ''}
<table class="diff"><thead><tr><th>Field</th><th>Approved</th><th>Held</th></tr></thead><tbody>
${definitionDiff(record.approvedDefinition, record.pendingDefinition).map((c) => html`<tr><td>${c.field}</td><td class="removed"><pre>${c.approved ?? '—'}</pre></td><td class="added"><pre>${c.held ?? '—'}</pre></td></tr>`)}
</tbody></table>
<form method="post" action="/admin/quarantine/approve">
<input type="hidden" name="kind" value="${record.kind}"><input type="hidden" name="name" value="${record.name}"><input type="hidden" name="csrf" value="${csrf}">
<button type="submit">Re-approve</button> <span class="muted">serves the held definition from now on (as <code>mcp-hub tools approve</code>)</span>
</form>
</article>`;
  })}`;
}

/** Recent jobs, read-only. `undefined`: this hub has no job queue. */
export function jobsFragment(jobs: JobSummary[] | undefined, now = Date.now()): Html {
  if (!jobs) return html`<p class="muted">No job queue on this hub (jobs.redisUrl / REDIS_URL): long-running tools run like the others.</p>`;
  if (jobs.length === 0) return html`<p class="muted">No job yet.</p>`;
  return html`<table class="jobs"><thead><tr><th>Job</th><th>Tool</th><th>Status</th><th>Progress</th><th>Principal</th><th>Started</th><th>Took</th><th>Attempts</th></tr></thead><tbody>
${jobs.map((j) => {
    const progress = j.progress ? `${j.progress.progress}${j.progress.total === undefined ? '' : ` / ${j.progress.total}`}${j.progress.message ? ` ${j.progress.message}` : ''}` : '';
    return html`<tr data-job="${j.jobId}"><td><code>${j.jobId}</code></td><td>${j.connector}_${j.tool}</td><td class="${j.status === 'failed' ? 'warn' : j.status === 'completed' ? 'ok' : ''}">${j.status}</td><td>${progress}</td><td>${j.principalId ?? ''}</td><td>${seconds(now - j.createdAt)} ago</td><td>${j.finishedAt === undefined ? '' : seconds(j.finishedAt - j.createdAt)}</td><td>${j.attempts}</td></tr>`;
  })}
</tbody></table>`;
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}
