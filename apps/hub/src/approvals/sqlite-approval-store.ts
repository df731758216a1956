import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  checkedTablePrefix,
  DEFAULT_APPROVAL_TABLE_PREFIX,
  DEFAULT_PENDING_LIMIT,
  type ApprovalReason,
  type ApprovalRecord,
  type ApprovalRequest,
  type ApprovalStatus,
  type ApprovalStore,
} from './approval-store';

interface Row {
  id: string;
  principal_id: string;
  tool: string;
  arguments_hash: string;
  summary: string;
  reason: ApprovalReason;
  status: ApprovalStatus;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
  consumed_at: number | null;
}

/**
 * Approvals in a SQLite file (the embedded mode, or one hub with the CLI beside it). WAL mode,
 * so `mcp-hub approvals approve` can write while the hub reads; SQLite runs one writer at a
 * time, so a consume is atomic.
 */
export class SqliteApprovalStore implements ApprovalStore {
  private readonly db: Database.Database;
  private readonly approvals: string;
  private readonly taints: string;

  constructor(options: { file: string; tablePrefix?: string }) {
    const prefix = checkedTablePrefix(options.tablePrefix ?? DEFAULT_APPROVAL_TABLE_PREFIX);
    this.approvals = `${prefix}approvals`;
    this.taints = `${prefix}session_taint`;
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.approvals} (
      id TEXT PRIMARY KEY, principal_id TEXT NOT NULL, tool TEXT NOT NULL, arguments_hash TEXT NOT NULL,
      summary TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL,
      created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
      decided_at INTEGER, decided_by TEXT, consumed_at INTEGER);
    CREATE INDEX IF NOT EXISTS ${this.approvals}_call ON ${this.approvals} (principal_id, tool, arguments_hash, status);
    CREATE INDEX IF NOT EXISTS ${this.approvals}_status ON ${this.approvals} (status, expires_at);
    CREATE TABLE IF NOT EXISTS ${this.taints} (scope TEXT PRIMARY KEY, source TEXT NOT NULL, tainted_at INTEGER NOT NULL, until INTEGER NOT NULL)`);
  }

  async open(request: ApprovalRequest, now: number, ttlMs: number): Promise<ApprovalRecord> {
    const { principalId, tool, argumentsHash, summary, reason } = request;
    const insert = this.db.transaction(() => {
      const existing = this.db
        .prepare(
          `SELECT * FROM ${this.approvals} WHERE principal_id = ? AND tool = ? AND arguments_hash = ? AND status IN ('pending', 'denied') AND expires_at > ?
           ORDER BY created_at DESC LIMIT 1`,
        )
        .get(principalId, tool, argumentsHash, now) as Row | undefined;
      if (existing) return existing;
      return this.db
        .prepare(
          `INSERT INTO ${this.approvals} (id, principal_id, tool, arguments_hash, summary, reason, status, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING *`,
        )
        .get(randomUUID(), principalId, tool, argumentsHash, summary, reason, now, now + ttlMs) as Row;
    });
    return toRecord(insert.immediate());
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const row = this.db.prepare(`SELECT * FROM ${this.approvals} WHERE id = ?`).get(id) as Row | undefined;
    return row && toRecord(row);
  }

  async pending(now: number, limit = DEFAULT_PENDING_LIMIT): Promise<ApprovalRecord[]> {
    const rows = this.db.prepare(`SELECT * FROM ${this.approvals} WHERE status = 'pending' AND expires_at > ? ORDER BY created_at LIMIT ?`).all(now, limit) as Row[];
    return rows.map(toRecord);
  }

  async countPending(now: number): Promise<number> {
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.approvals} WHERE status = 'pending' AND expires_at > ?`).get(now) as { n: number };
    return Number(row.n);
  }

  async decide(id: string, decision: 'approved' | 'denied', by: string, now: number, ttlMs: number): Promise<ApprovalRecord | undefined> {
    const row = this.db
      .prepare(
        `UPDATE ${this.approvals} SET status = ?, decided_at = ?, decided_by = ?, expires_at = ?
         WHERE id = ? AND status = 'pending' AND expires_at > ? RETURNING *`,
      )
      .get(decision, now, by, now + ttlMs, id, now) as Row | undefined;
    return row && toRecord(row);
  }

  async consume(principalId: string, tool: string, argumentsHash: string, now: number): Promise<ApprovalRecord | undefined> {
    const row = this.db
      .prepare(
        `UPDATE ${this.approvals} SET status = 'consumed', consumed_at = ?
         WHERE id = (SELECT id FROM ${this.approvals} WHERE principal_id = ? AND tool = ? AND arguments_hash = ? AND status = 'approved' AND expires_at > ?
                     ORDER BY decided_at LIMIT 1)
         RETURNING *`,
      )
      .get(now, principalId, tool, argumentsHash, now) as Row | undefined;
    return row && toRecord(row);
  }

  async taint(scope: string, source: string, now: number, until: number): Promise<void> {
    this.db
      .prepare(`INSERT INTO ${this.taints} (scope, source, tainted_at, until) VALUES (?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET until = MAX(until, excluded.until)`)
      .run(scope, source, now, until);
  }

  async isTainted(scope: string, now: number): Promise<boolean> {
    return this.db.prepare(`SELECT 1 FROM ${this.taints} WHERE scope = ? AND until > ?`).get(scope, now) !== undefined;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toRecord(row: Row): ApprovalRecord {
  return {
    id: row.id,
    principalId: row.principal_id,
    tool: row.tool,
    argumentsHash: row.arguments_hash,
    summary: row.summary,
    reason: row.reason,
    status: row.status,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decidedBy: row.decided_by,
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
  };
}
