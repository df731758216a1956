import pg from 'pg';
import { SchemaOnce, createSchema } from '../stores/postgres-schema';
import { chainEntries } from './audit-chain';
import { GENESIS_HASH, type AuditEntry, type AuditHead, type AuditRow } from './audit-record';
import { checkedAuditTable, DEFAULT_AUDIT_TABLE, type AuditStore } from './audit-store';

interface Row {
  seq: string;
  at_ms: string;
  record: string;
  hash: string;
}

/**
 * The audit chain in PostgreSQL, written by every hub replica of a distributed deployment. One
 * global chain: each append runs in a transaction that first locks the head row
 * (`SELECT … FOR UPDATE`), so replicas chain one after another, never onto the same head. The
 * record is TEXT, not JSONB: verification hashes the bytes that were written, and JSONB would
 * reorder and respace them.
 */
export class PostgresAuditStore implements AuditStore {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema = new SchemaOnce(() => this.createTables());

  constructor(options: { connectionString: string; table?: string }) {
    this.table = checkedAuditTable(options.table ?? DEFAULT_AUDIT_TABLE);
    // Bounded waits: a database that hangs fails the batch (to be retried) instead of holding the writer.
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: 4, connectionTimeoutMillis: 5000, statement_timeout: 10_000 });
    // An idle client's error (the server restarted) must not crash the hub: the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.prepared();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const head = await client.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.table}_head WHERE id = 1 FOR UPDATE`);
      const chained = chainEntries({ seq: Number(head.rows[0]!.seq), hash: head.rows[0]!.hash }, entries);
      await client.query(`INSERT INTO ${this.table} (seq, at_ms, record, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`, [
        chained.rows.map((row) => row.seq),
        chained.rows.map((row) => row.atMs),
        chained.rows.map((row) => row.record),
        chained.rows.map((row) => row.hash),
      ]);
      await client.query(`UPDATE ${this.table}_head SET seq = $1, hash = $2 WHERE id = 1`, [chained.head.seq, chained.head.hash]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async head(): Promise<AuditHead> {
    await this.prepared();
    const { rows } = await this.pool.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.table}_head WHERE id = 1`);
    return { seq: Number(rows[0]!.seq), hash: rows[0]!.hash };
  }

  async rows(afterSeq: number, untilSeq: number, limit: number): Promise<AuditRow[]> {
    return this.select(`SELECT * FROM ${this.table} WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, [afterSeq, untilSeq, limit]);
  }

  async rowsBetween(sinceMs: number, untilMs: number, afterSeq: number, limit: number): Promise<AuditRow[]> {
    return this.select(`SELECT * FROM ${this.table} WHERE seq > $1 AND at_ms >= $2 AND at_ms < $3 ORDER BY seq LIMIT $4`, [afterSeq, sinceMs, untilMs, limit]);
  }

  async latest(limit: number): Promise<AuditRow[]> {
    return this.select(`SELECT * FROM ${this.table} ORDER BY seq DESC LIMIT $1`, [limit]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async select(sql: string, params: unknown[]): Promise<AuditRow[]> {
    await this.prepared();
    const { rows } = await this.pool.query<Row>(sql, params);
    return rows.map((row) => ({ seq: Number(row.seq), atMs: Number(row.at_ms), record: row.record, hash: row.hash }));
  }

  private prepared(): Promise<void> {
    return this.schema.ensure();
  }


  private async createTables(): Promise<void> {
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.table} (seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, record TEXT NOT NULL, hash TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${this.table}_at ON ${this.table} (at_ms)`,
      `CREATE TABLE IF NOT EXISTS ${this.table}_head (id INT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL)`,
      `INSERT INTO ${this.table}_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}') ON CONFLICT (id) DO NOTHING`,
    ];
    await createSchema((sql) => this.pool.query(sql), statements);
  }
}

