import type { CallOutcome, HubOperation } from '../metrics/hub-metrics';

/**
 * One call as the audit log keeps it, before it is chained. Never a secret: `arguments` went
 * through the redactor and the size cap ({@link redactedArguments}); `argumentsHash` is over the
 * arguments as the client sent them, so it matches what an approval is bound to.
 */
export interface AuditEntry {
  /** When the hub received the call, ISO 8601 with milliseconds (UTC). */
  at: string;
  /** The hub replica that received the call. */
  hubId: string;
  /** Who called: the principal's id. */
  principal: string;
  /**
   * The MCP session (2025-era clients over HTTP) as the first 16 hex characters of the SHA-256 of
   * its id: it ties the calls of one session together without storing the id, which is a bearer
   * of the session. Absent for sessionless requests and stdio.
   */
  session?: string;
  operation: HubOperation;
  /** The qualified tool or prompt name, or the resource URI (as the client sent it, redacted, capped). */
  target: string;
  /** The connector that serves the target; absent when nothing live serves it, `hub` for the hub's own tools. */
  connector?: string;
  /** The connector replica that ran the call, when it claimed the call (calls of a few ms are not claimed). */
  replicaId?: string;
  /** `sha256:` + hex of the canonical (sorted-key) JSON of the arguments as sent. */
  argumentsHash: string;
  /** The arguments with secrets masked, or a truncated preview of them (see `argumentsTruncated`). */
  arguments: unknown;
  /** Set when the redacted arguments were over the cap: `arguments` is then a string prefix of their JSON. */
  argumentsTruncated?: true;
  /** The policy's decision and the ids of the policies that made it; null when the hub runs without a policy or decided before asking it. */
  decision: { allowed: boolean; policies: string[] } | null;
  /** The approval that let the call run, when it needed one. */
  approvalId?: string;
  outcome: CallOutcome;
  /** Time from receipt to answer, ms (0.1 ms resolution). */
  latencyMs: number;
}

/** An entry in the chain: its place (`seq`, from 1) and the hash of the record before it. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
}

/**
 * A stored record: `record` is the canonical JSON of the {@link AuditRecord}, kept as text so
 * that verification hashes the very bytes that were written; `hash` is
 * SHA-256(prevHash + record), hex.
 */
export interface AuditRow {
  seq: number;
  /** `at` in ms since the epoch, for time queries. */
  atMs: number;
  record: string;
  hash: string;
}

/** The last record of the chain (seq 0 and {@link GENESIS_HASH} while it is empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** The `prevHash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);
