import { once } from 'node:events';
import { AUDIT_PAGE, verifyAuditStore, type AuditStore } from '@mcp-hub/hub';
import { CommandFailure, ExitCode } from '../exit-codes';

/**
 * `mcp-hub audit verify`: walks the whole chain and names the first record that was edited,
 * removed or reordered (exit 1); intact, prints the record count and the head hash, which an
 * operator may keep elsewhere to anchor the chain.
 */
export async function runAuditVerify(store: AuditStore, flags: { json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  const result = await verifyAuditStore(store);
  if (flags.json) out.write(`${JSON.stringify(result)}\n`);
  if (!result.ok) throw new CommandFailure(`audit chain broken at record ${result.seq} (${result.problem}): ${result.detail}; the ${result.checked} records before it are intact`, ExitCode.toolError);
  if (!flags.json) out.write(`audit chain intact: ${result.records} records, head ${result.head.seq} sha256 ${result.head.hash}\n`);
  return ExitCode.ok;
}

/**
 * `mcp-hub audit export --since <time> [--until <time>]`: the records with `since <= at < until`,
 * in chain order, one JSON object per line: the record with its `hash`. Without `hash`, a line's
 * canonical (sorted-key) JSON is the text that was hashed, so the export can be checked alone.
 */
export async function runAuditExport(store: AuditStore, flags: { since?: string; until?: string }, out: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  const since = parseTime('--since', flags.since);
  const until = flags.until === undefined ? Number.MAX_SAFE_INTEGER : parseTime('--until', flags.until);
  let after = 0;
  for (;;) {
    const page = await store.rowsBetween(since, until, after, AUDIT_PAGE);
    for (const row of page) {
      // An object's text with the hash added last; a row that is not one (edited) is passed on as a string for verify to judge.
      const line = row.record.startsWith('{') && row.record.endsWith('}') ? `${row.record.slice(0, -1)},"hash":${JSON.stringify(row.hash)}}\n` : `${JSON.stringify({ seq: row.seq, record: row.record, hash: row.hash })}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    if (page.length < AUDIT_PAGE) return ExitCode.ok;
    after = page[page.length - 1]!.seq;
  }
}

/** An ISO 8601 time with a date (`2026-12-03`, `2026-12-03T10:00:00Z`), as ms since the epoch. */
function parseTime(flag: string, value: string | undefined): number {
  const ms = value === undefined || !/^\d{4}-\d{2}-\d{2}/.test(value) ? Number.NaN : Date.parse(value);
  if (Number.isNaN(ms)) throw new CommandFailure(`${flag} must be an ISO 8601 time such as 2026-12-03T10:00:00Z (got ${JSON.stringify(value ?? '')})`, ExitCode.usage);
  return ms;
}
