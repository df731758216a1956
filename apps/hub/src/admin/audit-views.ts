import type { AuditVerification } from '../audit/audit-chain';
import type { AuditRecord } from '../audit/audit-record';
import { html, type Html } from './html';

/** How many of the newest audit records the admin page shows. */
export const AUDIT_RECORDS_SHOWN = 20;

/** The newest audit records (newest first) and what waits to be written. Arguments are shown redacted, as stored. */
export function auditFragment(records: (AuditRecord & { hash: string })[] | undefined, queued: number): Html {
  if (!records) return html`<p class="muted">The audit log is off (audit.enabled, or audit.postgresUrl for a distributed hub).</p>`;
  const waiting = html`<p class="muted">${queued} record${queued === 1 ? '' : 's'} waiting to be written by this replica.</p>`;
  if (records.length === 0) return html`${waiting}<p class="muted">No record yet.</p>`;
  return html`${waiting}<table class="audit"><thead><tr><th>#</th><th>At</th><th>Principal</th><th>Session</th><th>What</th><th>Decision</th><th>Outcome</th><th>Latency</th><th>Ran on</th><th>Arguments</th></tr></thead><tbody>
${records.map(
  (r) => html`<tr data-seq="${r.seq}"><td title="sha256 ${r.hash}">${r.seq}</td><td>${r.at.slice(0, 23).replace('T', ' ')}</td><td>${r.principal}</td><td>${r.session ? html`<code>${r.session.slice(0, 8)}</code>` : ''}</td>
<td>${r.target}<br><span class="muted">${r.operation}</span></td>
<td>${r.decision === null ? html`<span class="muted">no policy</span>` : html`${r.decision.allowed ? 'allowed' : 'denied'}<br><span class="muted">${r.decision.policies.join(', ')}</span>`}${r.approvalId ? html`<br>approval ${r.approvalId}` : ''}</td>
<td class="${r.outcome === 'ok' ? 'ok' : 'warn'}">${r.outcome}</td><td>${r.latencyMs} ms</td>
<td>${r.connector ?? ''}${r.replicaId ? html`<br><span class="muted" title="${r.replicaId}">${r.replicaId.slice(0, 8)}</span>` : ''}<br><span class="muted">via ${r.hubId}</span></td>
<td><details><summary><code>${r.argumentsHash.slice(0, 15)}…</code></summary><pre>${typeof r.arguments === 'string' ? r.arguments : JSON.stringify(r.arguments, null, 1)}</pre></details></td></tr>`,
)}
</tbody></table>`;
}

/** The result of walking the whole chain, with a button to walk it again. */
export function auditVerifyFragment(result: AuditVerification | undefined, checkedAt = new Date()): Html {
  const again = html`<button hx-get="/admin/fragments/audit-verify" hx-target="#audit-verify">Verify the chain</button>`;
  if (!result) return html`${again}`;
  const when = html`<span class="muted">checked ${checkedAt.toISOString().slice(11, 19)} UTC</span>`;
  if (result.ok) return html`<p class="ok" data-verify="ok">Chain intact: ${result.records} records, head sha256 <code>${result.head.hash}</code>. ${when}</p>${again}`;
  return html`<p class="error" role="alert" data-verify="broken">Chain broken at record ${result.seq} (${result.problem}): ${result.detail}. The ${result.checked} records before it are intact. ${when}</p>${again}`;
}
