import { userInfo } from 'node:os';
import type { ApprovalRecord, ApprovalStore } from '@mcp-hub/hub';
import { CommandFailure, ExitCode } from '../exit-codes';

/**
 * `mcp-hub approvals list`: calls waiting for a person, oldest first, with the redacted summary
 * of their arguments. Acts on the approval store directly (the same configuration as the hub).
 */
export async function runApprovalsList(store: ApprovalStore, flags: { json?: boolean }, out: NodeJS.WritableStream = process.stdout, now = Date.now()): Promise<ExitCode> {
  const pending = await store.pending(now);
  if (flags.json) {
    out.write(`${JSON.stringify(pending, null, 2)}\n`);
    return ExitCode.ok;
  }
  for (const record of pending) out.write(describe(record, now));
  out.write(`${pending.length} waiting for approval${pending.length > 0 ? ' (mcp-hub approvals approve|deny <id>)' : ''}\n`);
  return ExitCode.ok;
}

/**
 * `mcp-hub approvals approve|deny <id>`: decides a pending request. An approval lets exactly that
 * call (principal, tool, arguments) run once, when the client calls again, within `ttlMinutes`.
 */
export async function runApprovalsDecide(
  store: ApprovalStore,
  id: string,
  decision: 'approved' | 'denied',
  ttlMinutes: number,
  out: NodeJS.WritableStream = process.stdout,
  now = Date.now(),
): Promise<ExitCode> {
  const record = await store.decide(id, decision, `cli:${operator()}`, now, ttlMinutes * 60_000);
  if (!record) throw new CommandFailure(`no pending approval ${JSON.stringify(id.slice(0, 100))}: decided already, expired, or unknown (see mcp-hub approvals list)`, ExitCode.toolError);
  const after =
    decision === 'approved'
      ? `it runs once when ${record.principalId}'s client calls it again with the same arguments, until ${new Date(record.expiresAt).toISOString()}`
      : 'the client reads the denial when it calls again';
  out.write(`${decision} ${record.id}: ${record.tool} for ${record.principalId}; ${after}\n`);
  return ExitCode.ok;
}

function describe(record: ApprovalRecord, now: number): string {
  const minutes = Math.max(0, Math.round((record.expiresAt - now) / 60_000));
  const lines = [`${record.id}  ${record.tool}  by ${record.principalId}  (${record.reason.replaceAll('_', ' ')}; expires in ${minutes} min)`];
  for (const line of record.summary.split('\n')) lines.push(`    ${line}`);
  return `${lines.join('\n')}\n`;
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
