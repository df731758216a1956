/** Why a call needs a person's approval (shown to the approver, and recorded). */
export type ApprovalReason = 'policy' | 'destructive' | 'open_world_write' | 'tainted_session';

/**
 * Where an approval stands: `pending` (no one decided yet), `approved` (may be consumed once),
 * `denied`, or `consumed` (a call ran on it). Expiry is not a status: a record past its
 * `expiresAt` is ignored whatever its status.
 */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/**
 * One approval: a person's yes or no to one exact call, bound to the principal, the qualified
 * tool name and the SHA-256 of the call's canonical arguments ({@link argumentsHash}).
 */
export interface ApprovalRecord {
  id: string;
  principalId: string;
  tool: string;
  argumentsHash: string;
  /** What the approver is shown: the arguments, redacted and shortened (never the arguments themselves). */
  summary: string;
  reason: ApprovalReason;
  status: ApprovalStatus;
  /** ms since the epoch. */
  createdAt: number;
  /** Until when a pending request may be decided, or an approval consumed; ms since the epoch. */
  expiresAt: number;
  decidedAt: number | null;
  /** Who decided: `admin`, `cli:<user>`, `in-band:<principal>`. */
  decidedBy: string | null;
  consumedAt: number | null;
}

/** A new request for approval (the store adds id, status and times). */
export interface ApprovalRequest {
  principalId: string;
  tool: string;
  argumentsHash: string;
  summary: string;
  reason: ApprovalReason;
}

/**
 * Where approvals and session taint live, shared by every hub replica, the `mcp-hub approvals`
 * command and the admin API: SQLite in the embedded mode, PostgreSQL when distributed. Every
 * change is one statement, so replicas racing on one approval agree: it is consumed once.
 */
export interface ApprovalStore {
  /**
   * The open record for this exact call (pending, or denied, and not expired), or a new pending
   * one expiring `ttlMs` from `now`: a model retrying before anyone decided does not ask twice,
   * and one retrying a refused call reads the refusal again.
   */
  open(request: ApprovalRequest, now: number, ttlMs: number): Promise<ApprovalRecord>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Pending requests not expired at `now`, oldest first (at most `limit`). */
  pending(now: number, limit?: number): Promise<ApprovalRecord[]>;
  countPending(now: number): Promise<number>;
  /**
   * Decides a pending, unexpired request. An approval may then be consumed until `now + ttlMs`.
   * Returns the record as stored, or undefined when there is no such pending request.
   */
  decide(id: string, decision: 'approved' | 'denied', by: string, now: number, ttlMs: number): Promise<ApprovalRecord | undefined>;
  /**
   * Consumes one unexpired approval of exactly this call (principal, tool, arguments hash), at
   * most once across every handle on the store; undefined when there is none.
   */
  consume(principalId: string, tool: string, argumentsHash: string, now: number): Promise<ApprovalRecord | undefined>;
  /** Marks `scope` (a session, or a principal's sessionless calls) as having read untrusted content, until `until`. */
  taint(scope: string, source: string, now: number, until: number): Promise<void>;
  /** Whether `scope` is tainted at `now`. */
  isTainted(scope: string, now: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Table names come from config or tests, never from clients: checked anyway, since they are spliced into SQL. */
export function checkedTablePrefix(prefix: string): string {
  if (!/^(?:[a-z_][a-z0-9_]{0,40})?$/.test(prefix)) throw new Error(`approval table prefix ${JSON.stringify(prefix)} must be empty or match ^[a-z_][a-z0-9_]{0,40}$`);
  return prefix;
}

/** Tables `<prefix>approvals` and `<prefix>session_taint`. */
export const DEFAULT_APPROVAL_TABLE_PREFIX = '';

/** How many pending requests a listing returns unless asked. */
export const DEFAULT_PENDING_LIMIT = 200;
