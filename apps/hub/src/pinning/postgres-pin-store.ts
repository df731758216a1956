import pg from 'pg';
import { SchemaOnce, createSchema } from '../stores/postgres-schema';
import { checkedTableName, DEFAULT_PIN_TABLE, type DefinitionKind, type PinRecord, type PinStore } from './pin-store';

interface Row {
  kind: DefinitionKind;
  name: string;
  approved_hash: string | null;
  approved_definition: unknown;
  pending_hash: string | null;
  pending_definition: unknown;
  findings: string[];
  updated_at: string;
}

/** Pins in PostgreSQL, shared by every hub replica of a distributed deployment. */
export class PostgresPinStore implements PinStore {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema = new SchemaOnce(() => this.createTable());

  constructor(options: { connectionString: string; table?: string }) {
    this.table = checkedTableName(options.table ?? DEFAULT_PIN_TABLE);
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
    // An idle client's error (the server restarted) must not crash the hub: the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async all(): Promise<PinRecord[]> {
    return this.rows(`SELECT * FROM ${this.table} ORDER BY kind, name`, []);
  }

  async pinFirstSight(kind: DefinitionKind, name: string, hash: string, definition: unknown): Promise<PinRecord> {
    await this.rows(
      `INSERT INTO ${this.table} (kind, name, approved_hash, approved_definition, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, name) DO NOTHING`,
      [kind, name, hash, JSON.stringify(definition), Date.now()],
    );
    return (await this.rows(`SELECT * FROM ${this.table} WHERE kind = $1 AND name = $2`, [kind, name]))[0]!;
  }

  async holdPending(kind: DefinitionKind, name: string, hash: string, definition: unknown, findings: readonly string[]): Promise<PinRecord> {
    const [record] = await this.rows(
      `INSERT INTO ${this.table} (kind, name, pending_hash, pending_definition, findings, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, name) DO UPDATE SET pending_hash = excluded.pending_hash, pending_definition = excluded.pending_definition,
         findings = excluded.findings, updated_at = excluded.updated_at RETURNING *`,
      [kind, name, hash, JSON.stringify(definition), JSON.stringify(findings), Date.now()],
    );
    return record!;
  }

  async approve(name: string, kind?: DefinitionKind): Promise<PinRecord[]> {
    return this.rows(
      `UPDATE ${this.table} SET approved_hash = pending_hash, approved_definition = pending_definition, pending_hash = NULL,
         pending_definition = NULL, findings = '[]', updated_at = $1 WHERE name = $2 AND ($3::text IS NULL OR kind = $3) AND pending_hash IS NOT NULL RETURNING *`,
      [Date.now(), name, kind ?? null],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async rows(sql: string, params: unknown[]): Promise<PinRecord[]> {
    await this.schema.ensure();
    const result = await this.pool.query<Row>(sql, params);
    return result.rows.map(toRecord);
  }

  private async createTable(): Promise<void> {
    await createSchema((sql) => this.pool.query(sql), [
      `CREATE TABLE IF NOT EXISTS ${this.table} (
      kind TEXT NOT NULL, name TEXT NOT NULL,
      approved_hash TEXT, approved_definition JSONB,
      pending_hash TEXT, pending_definition JSONB,
      findings JSONB NOT NULL DEFAULT '[]', updated_at BIGINT NOT NULL,
      PRIMARY KEY (kind, name))`,
    ]);
  }
}

function toRecord(row: Row): PinRecord {
  return {
    kind: row.kind,
    name: row.name,
    approvedHash: row.approved_hash,
    approvedDefinition: row.approved_definition,
    pendingHash: row.pending_hash,
    pendingDefinition: row.pending_definition,
    findings: row.findings,
    updatedAt: Number(row.updated_at),
  };
}
