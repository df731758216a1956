import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { SchemaOnce, createSchema } from '../stores/postgres-schema';
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
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string | null;
  consumed_at: string | null;
}

/** Approvals in PostgreSQL, shared by every hub replica of a distributed deployment. */
export class PostgresApprovalStore implements ApprovalStore {
  private readonly pool: pg.Pool;
  private readonly approvals: string;
  private readonly taints: string;
  private readonly schema = new SchemaOnce(() => this.createTables());

  constructor(options: { connectionString: string; tablePrefix?: string }) {
    const prefix = checkedTablePrefix(options.tablePrefix ?? DEFAULT_APPROVAL_TABLE_PREFIX);
    this.approvals = `${prefix}approvals`;
    this.taints = `${prefix}session_taint`;
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
    // An idle client's error (the server restarted) must not crash the hub: the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async open(request: ApprovalRequest, now: number, ttlMs: number): Promise<ApprovalRecord> {
    const { principalId, tool, argumentsHash, summary, reason } = request;
    // One statement: reuse the open record of this call, or insert one. Two replicas racing may
    // both insert; each request is then decided on its own, which is harmless.
    const [record] = await this.rows(
      `WITH existing AS (
         SELECT * FROM ${this.approvals} WHERE principal_id = $2 AND tool = $3 AND arguments_hash = $4 AND status IN ('pending', 'denied') AND expires_at > $7
         ORDER BY created_at DESC LIMIT 1),
       inserted AS (
         INSERT INTO ${this.approvals} (id, principal_id, tool, arguments_hash, summary, reason, status, created_at, expires_at)
         SELECT $1, $2, $3, $4, $5, $6, 'pending', $7, $8 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING *)
       SELECT * FROM existing UNION ALL SELECT * FROM inserted`,
      [randomUUID(), principalId, tool, argumentsHash, summary, reason, now, now + ttlMs],
    );
    return record!;
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    // Ids come from clients of the CLI and admin API: a malformed one is simply not found.
    if (!UUID.test(id)) return undefined;
    return (await this.rows(`SELECT * FROM ${this.approvals} WHERE id = $1`, [id]))[0];
  }

  async pending(now: number, limit = DEFAULT_PENDING_LIMIT): Promise<ApprovalRecord[]> {
    return this.rows(`SELECT * FROM ${this.approvals} WHERE status = 'pending' AND expires_at > $1 ORDER BY created_at LIMIT $2`, [now, limit]);
  }

  async countPending(now: number): Promise<number> {
    await this.ensureTables();
    const result = await this.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.approvals} WHERE status = 'pending' AND expires_at > $1`, [now]);
    return Number(result.rows[0]!.n);
  }

  async decide(id: string, decision: 'approved' | 'denied', by: string, now: number, ttlMs: number): Promise<ApprovalRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const [record] = await this.rows(
      `UPDATE ${this.approvals} SET status = $1, decided_at = $2, decided_by = $3, expires_at = $4
       WHERE id = $5 AND status = 'pending' AND expires_at > $2 RETURNING *`,
      [decision, now, by, now + ttlMs, id],
    );
    return record;
  }

  async consume(principalId: string, tool: string, argumentsHash: string, now: number): Promise<ApprovalRecord | undefined> {
    // SKIP LOCKED: of two replicas consuming one approval at once, the second finds none.
    const [record] = await this.rows(
      `UPDATE ${this.approvals} SET status = 'consumed', consumed_at = $1
       WHERE status = 'approved' AND id = (
         SELECT id FROM ${this.approvals} WHERE principal_id = $2 AND tool = $3 AND arguments_hash = $4 AND status = 'approved' AND expires_at > $1
         ORDER BY decided_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, principalId, tool, argumentsHash],
    );
    return record;
  }

  async taint(scope: string, source: string, now: number, until: number): Promise<void> {
    await this.ensureTables();
    await this.pool.query(
      `INSERT INTO ${this.taints} (scope, source, tainted_at, until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope) DO UPDATE SET until = GREATEST(${this.taints}.until, excluded.until)`,
      [scope, source, now, until],
    );
  }

  async isTainted(scope: string, now: number): Promise<boolean> {
    await this.ensureTables();
    const result = await this.pool.query(`SELECT 1 FROM ${this.taints} WHERE scope = $1 AND until > $2`, [scope, now]);
    return result.rowCount !== null && result.rowCount > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async rows(sql: string, params: unknown[]): Promise<ApprovalRecord[]> {
    await this.ensureTables();
    const result = await this.pool.query<Row>(sql, params);
    return result.rows.map(toRecord);
  }

  private ensureTables(): Promise<void> {
    return this.schema.ensure();
  }


  private async createTables(): Promise<void> {
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.approvals} (
        id UUID PRIMARY KEY, principal_id TEXT NOT NULL, tool TEXT NOT NULL, arguments_hash TEXT NOT NULL,
        summary TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL,
        created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
        decided_at BIGINT, decided_by TEXT, consumed_at BIGINT)`,
      `CREATE INDEX IF NOT EXISTS ${this.approvals}_call ON ${this.approvals} (principal_id, tool, arguments_hash, status)`,
      `CREATE INDEX IF NOT EXISTS ${this.approvals}_status ON ${this.approvals} (status, expires_at)`,
      `CREATE TABLE IF NOT EXISTS ${this.taints} (scope TEXT PRIMARY KEY, source TEXT NOT NULL, tainted_at BIGINT NOT NULL, until BIGINT NOT NULL)`,
    ];
    await createSchema((sql) => this.pool.query(sql), statements);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
