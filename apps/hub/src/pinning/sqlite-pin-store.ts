import Database from 'better-sqlite3';
import { checkedTableName, DEFAULT_PIN_TABLE, type DefinitionKind, type PinRecord, type PinStore } from './pin-store';

interface Row {
  kind: DefinitionKind;
  name: string;
  approved_hash: string | null;
  approved_definition: string | null;
  pending_hash: string | null;
  pending_definition: string | null;
  findings: string;
  updated_at: number;
}

/**
 * Pins in a SQLite file (the embedded mode, or one hub with the CLI beside it). WAL mode, so the
 * `mcp-hub tools approve` command can write while the hub reads.
 */
export class SqlitePinStore implements PinStore {
  private readonly db: Database.Database;
  private readonly table: string;

  constructor(options: { file: string; table?: string }) {
    this.table = checkedTableName(options.table ?? DEFAULT_PIN_TABLE);
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (
      kind TEXT NOT NULL, name TEXT NOT NULL,
      approved_hash TEXT, approved_definition TEXT,
      pending_hash TEXT, pending_definition TEXT,
      findings TEXT NOT NULL DEFAULT '[]', updated_at INTEGER NOT NULL,
      PRIMARY KEY (kind, name))`);
  }

  async all(): Promise<PinRecord[]> {
    return (this.db.prepare(`SELECT * FROM ${this.table} ORDER BY kind, name`).all() as Row[]).map(toRecord);
  }

  async pinFirstSight(kind: DefinitionKind, name: string, hash: string, definition: unknown): Promise<PinRecord> {
    this.db
      .prepare(`INSERT INTO ${this.table} (kind, name, approved_hash, approved_definition, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO NOTHING`)
      .run(kind, name, hash, JSON.stringify(definition), Date.now());
    return this.one(kind, name);
  }

  async holdPending(kind: DefinitionKind, name: string, hash: string, definition: unknown, findings: readonly string[]): Promise<PinRecord> {
    this.db
      .prepare(
        `INSERT INTO ${this.table} (kind, name, pending_hash, pending_definition, findings, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, name) DO UPDATE SET pending_hash = excluded.pending_hash, pending_definition = excluded.pending_definition,
           findings = excluded.findings, updated_at = excluded.updated_at`,
      )
      .run(kind, name, hash, JSON.stringify(definition), JSON.stringify(findings), Date.now());
    return this.one(kind, name);
  }

  async approve(name: string, kind?: DefinitionKind): Promise<PinRecord[]> {
    const rows = this.db
      .prepare(
        `UPDATE ${this.table} SET approved_hash = pending_hash, approved_definition = pending_definition, pending_hash = NULL,
           pending_definition = NULL, findings = '[]', updated_at = ? WHERE name = ? AND (? IS NULL OR kind = ?) AND pending_hash IS NOT NULL RETURNING *`,
      )
      .all(Date.now(), name, kind ?? null, kind ?? null) as Row[];
    return rows.map(toRecord);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private one(kind: DefinitionKind, name: string): PinRecord {
    return toRecord(this.db.prepare(`SELECT * FROM ${this.table} WHERE kind = ? AND name = ?`).get(kind, name) as Row);
  }
}

function toRecord(row: Row): PinRecord {
  return {
    kind: row.kind,
    name: row.name,
    approvedHash: row.approved_hash,
    approvedDefinition: row.approved_definition === null ? null : JSON.parse(row.approved_definition),
    pendingHash: row.pending_hash,
    pendingDefinition: row.pending_definition === null ? null : JSON.parse(row.pending_definition),
    findings: JSON.parse(row.findings) as string[],
    updatedAt: Number(row.updated_at),
  };
}
