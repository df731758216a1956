import Database from 'better-sqlite3';
import { chainEntries } from './audit-chain';
import { GENESIS_HASH, type AuditEntry, type AuditHead, type AuditRow } from './audit-record';
import { checkedAuditTable, DEFAULT_AUDIT_TABLE, type AuditStore } from './audit-store';

interface Row {
  seq: number;
  at_ms: number;
  record: string;
  hash: string;
}

/**
 * The audit chain in a SQLite file (the embedded mode). Each append is an IMMEDIATE transaction,
 * which takes SQLite's write lock before reading the head: a second process writing the same
 * file (another hub on the same data directory) waits for it instead of forking the chain.
 * WAL with `synchronous = NORMAL`: a crash of the process loses nothing committed; a power cut
 * may lose the last commits (see docs/decisions/0008-audit-chain.md).
 */
export class SqliteAuditStore implements AuditStore {
  private readonly db: Database.Database;
  private readonly table: string;
  private readonly appendRows: (entries: readonly AuditEntry[]) => void;

  constructor(options: { file: string; table?: string }) {
    this.table = checkedAuditTable(options.table ?? DEFAULT_AUDIT_TABLE);
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, record TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${this.table}_at ON ${this.table} (at_ms);
      CREATE TABLE IF NOT EXISTS ${this.table}_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
      INSERT INTO ${this.table}_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}') ON CONFLICT (id) DO NOTHING;`);
    const readHead = this.db.prepare(`SELECT seq, hash FROM ${this.table}_head WHERE id = 1`);
    const insert = this.db.prepare(`INSERT INTO ${this.table} (seq, at_ms, record, hash) VALUES (?, ?, ?, ?)`);
    const moveHead = this.db.prepare(`UPDATE ${this.table}_head SET seq = ?, hash = ? WHERE id = 1`);
    const append = this.db.transaction((entries: readonly AuditEntry[]) => {
      const chained = chainEntries(readHead.get() as AuditHead, entries);
      for (const row of chained.rows) insert.run(row.seq, row.atMs, row.record, row.hash);
      moveHead.run(chained.head.seq, chained.head.hash);
    });
    this.appendRows = (entries) => append.immediate(entries);
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length > 0) this.appendRows(entries);
  }

  async head(): Promise<AuditHead> {
    return this.db.prepare(`SELECT seq, hash FROM ${this.table}_head WHERE id = 1`).get() as AuditHead;
  }

  async rows(afterSeq: number, untilSeq: number, limit: number): Promise<AuditRow[]> {
    return (this.db.prepare(`SELECT * FROM ${this.table} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`).all(afterSeq, untilSeq, limit) as Row[]).map(toRow);
  }

  async rowsBetween(sinceMs: number, untilMs: number, afterSeq: number, limit: number): Promise<AuditRow[]> {
    return (this.db.prepare(`SELECT * FROM ${this.table} WHERE seq > ? AND at_ms >= ? AND at_ms < ? ORDER BY seq LIMIT ?`).all(afterSeq, sinceMs, untilMs, limit) as Row[]).map(toRow);
  }

  async latest(limit: number): Promise<AuditRow[]> {
    return (this.db.prepare(`SELECT * FROM ${this.table} ORDER BY seq DESC LIMIT ?`).all(limit) as Row[]).map(toRow);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toRow(row: Row): AuditRow {
  return { seq: Number(row.seq), atMs: Number(row.at_ms), record: row.record, hash: row.hash };
}
