import Database from 'better-sqlite3';
import type { Ticket, TicketComment, TicketPriority, TicketStatus } from './ticket';
import { TicketPrioritySchema, TicketStatusSchema } from './ticket';
import {
  likePattern,
  zeroCounts,
  type NewComment,
  type NewTicket,
  type QueueOverview,
  type SeedTicket,
  type TicketFilter,
  type TicketPage,
  type TicketPatch,
  type TicketStore,
} from './ticket-store';
import { type IdempotencyClaim, type IdempotencyState } from '@mcp-hub/connector-kit';
import { ACTIVE_STATUSES } from './ticket-workflow';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${sqlList(TicketStatusSchema.options)})),
  priority TEXT NOT NULL CHECK (priority IN (${sqlList(TicketPrioritySchema.options)})),
  requester TEXT NOT NULL,
  assignee TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_status_created ON tickets (status, created_at);
CREATE INDEX IF NOT EXISTS tickets_updated ON tickets (updated_at);
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_ticket ON comments (ticket_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  principal TEXT NOT NULL,
  tool TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result TEXT,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (principal, tool, key)
);
`;

interface TicketRow {
  id: number;
  subject: string;
  body: string;
  status: TicketStatus;
  priority: TicketPriority;
  requester: string;
  assignee: string | null;
  tags: string;
  created_at: string;
  updated_at: string;
}

interface CommentRow {
  id: number;
  ticket_id: number;
  author: string;
  body: string;
  visibility: 'public' | 'internal';
  created_at: string;
}

/**
 * A {@link TicketStore} in one SQLite file (or `:memory:`), for the embedded mode and tests.
 * better-sqlite3 is synchronous, so every method is atomic by construction; `signal` is checked
 * before each step.
 */
export class SqliteTicketStore implements TicketStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating when missing) the database at `path` and its tables. */
  static open(path: string): SqliteTicketStore {
    const db = new Database(path);
    try {
      if (path !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteTicketStore(db);
  }

  async searchTickets(filter: TicketFilter, page: { afterId?: number; limit: number }, signal?: AbortSignal): Promise<TicketPage> {
    signal?.throwIfAborted();
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (filter.text) add(`(subject LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')`, likePattern(filter.text), likePattern(filter.text));
    if (filter.status) add('status = ?', filter.status);
    if (filter.priority) add('priority = ?', filter.priority);
    if (filter.assignee) add('assignee = ?', filter.assignee);
    else if (filter.unassigned) add('assignee IS NULL');
    if (filter.requester) add('requester = ?', filter.requester);
    if (filter.tag) add('EXISTS (SELECT 1 FROM json_each(tickets.tags) WHERE value = ?)', filter.tag);
    if (page.afterId !== undefined) add('id < ?', page.afterId);
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare<unknown[], TicketRow>(sql).all(...params, page.limit + 1);
    return { tickets: rows.slice(0, page.limit).map(toTicket), hasMore: rows.length > page.limit };
  }

  async getTicket(id: number, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    return this.ticket(id);
  }

  async listComments(ticketId: number, limit: number, signal?: AbortSignal): Promise<{ comments: TicketComment[]; total: number }> {
    signal?.throwIfAborted();
    const rows = this.db.prepare<[number, number], CommentRow>('SELECT * FROM comments WHERE ticket_id = ? ORDER BY id LIMIT ?').all(ticketId, limit);
    const { total } = this.db.prepare<[number], { total: number }>('SELECT count(*) AS total FROM comments WHERE ticket_id = ?').get(ticketId)!;
    return { comments: rows.map(toComment), total };
  }

  async createTicket(ticket: NewTicket, signal?: AbortSignal): Promise<Ticket> {
    signal?.throwIfAborted();
    return this.insertTicket(ticket);
  }

  async updateTicket(id: number, patch: TicketPatch, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    const row = this.db
      .prepare<unknown[], TicketRow>(
        `UPDATE tickets SET subject = coalesce(?, subject), body = coalesce(?, body), priority = coalesce(?, priority),
           tags = coalesce(?, tags), updated_at = ? WHERE id = ? RETURNING *`,
      )
      .get(patch.subject ?? null, patch.body ?? null, patch.priority ?? null, patch.tags ? JSON.stringify(patch.tags) : null, now(), id);
    return row && toTicket(row);
  }

  async addComment(ticketId: number, comment: NewComment, signal?: AbortSignal): Promise<TicketComment | undefined> {
    signal?.throwIfAborted();
    return this.db.transaction(() => this.insertComment(ticketId, comment))();
  }

  async transitionTicket(id: number, from: TicketStatus, to: TicketStatus, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    const row = this.db
      .prepare<unknown[], TicketRow>('UPDATE tickets SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING *')
      .get(to, now(), id, from);
    return row && toTicket(row);
  }

  async assignTicket(id: number, assignee: string | null, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    const row = this.db.prepare<unknown[], TicketRow>('UPDATE tickets SET assignee = ?, updated_at = ? WHERE id = ? RETURNING *').get(assignee, now(), id);
    return row && toTicket(row);
  }

  async recentTicketIds(prefix: string, limit: number, signal?: AbortSignal): Promise<number[]> {
    signal?.throwIfAborted();
    if (!/^\d*$/.test(prefix)) return [];
    const rows = this.db
      .prepare<[string, number], { id: number }>('SELECT id FROM tickets WHERE CAST(id AS TEXT) LIKE ? ORDER BY updated_at DESC, id DESC LIMIT ?')
      .all(`${prefix}%`, limit);
    return rows.map((r) => r.id);
  }

  async queueOverview(oldestLimit: number, signal?: AbortSignal): Promise<QueueOverview> {
    signal?.throwIfAborted();
    const byStatus = zeroCounts(TicketStatusSchema.options);
    for (const r of this.db.prepare<[], { key: TicketStatus; n: number }>('SELECT status AS key, count(*) AS n FROM tickets GROUP BY status').all()) byStatus[r.key] = r.n;
    const byPriority = zeroCounts(TicketPrioritySchema.options);
    for (const r of this.db.prepare<[], { key: TicketPriority; n: number }>('SELECT priority AS key, count(*) AS n FROM tickets GROUP BY priority').all()) byPriority[r.key] = r.n;
    const oldest = this.db
      .prepare<unknown[], TicketRow>(`SELECT * FROM tickets WHERE status IN (${sqlList(ACTIVE_STATUSES)}) ORDER BY created_at, id LIMIT ?`)
      .all(oldestLimit);
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { total, byStatus, byPriority, oldestActive: oldest.map(toTicket) };
  }

  async claimIdempotencyKey(claim: IdempotencyClaim, signal?: AbortSignal): Promise<IdempotencyState> {
    signal?.throwIfAborted();
    return this.db.transaction((): IdempotencyState => {
      const at = Date.now();
      const inserted = this.db
        .prepare('INSERT INTO idempotency_keys (principal, tool, key, request_hash, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(claim.principal, claim.tool, claim.key, claim.requestHash, claim.leaseUntil);
      if (inserted.changes === 1) return { state: 'acquired' };
      const row = this.db
        .prepare<[string, string, string], { request_hash: string; result: string | null; claimed_at: number }>(
          'SELECT request_hash, result, claimed_at FROM idempotency_keys WHERE principal = ? AND tool = ? AND key = ?',
        )
        .get(claim.principal, claim.tool, claim.key)!;
      if (row.request_hash !== claim.requestHash) return { state: 'mismatch' };
      if (row.result !== null) return { state: 'completed', result: row.result };
      // claimed_at holds the end of the claim's lease (epoch ms).
      if (row.claimed_at >= at) return { state: 'in_progress' };
      this.db.prepare('UPDATE idempotency_keys SET claimed_at = ? WHERE principal = ? AND tool = ? AND key = ?').run(claim.leaseUntil, claim.principal, claim.tool, claim.key);
      return { state: 'acquired' };
    }).immediate();
  }

  async completeIdempotencyKey(claim: IdempotencyClaim, result: string): Promise<void> {
    this.db.prepare('UPDATE idempotency_keys SET result = ? WHERE principal = ? AND tool = ? AND key = ?').run(result, claim.principal, claim.tool, claim.key);
  }

  async releaseIdempotencyKey(claim: IdempotencyClaim): Promise<void> {
    this.db
      .prepare('DELETE FROM idempotency_keys WHERE principal = ? AND tool = ? AND key = ? AND result IS NULL AND claimed_at = ?')
      .run(claim.principal, claim.tool, claim.key, claim.leaseUntil);
  }

  async seedIfEmpty(tickets: SeedTicket[]): Promise<boolean> {
    return this.db.transaction(() => {
      const { n } = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tickets').get()!;
      if (n > 0) return false;
      for (const { comments, ...ticket } of tickets) {
        const created = this.insertTicket(ticket);
        for (const comment of comments) this.insertComment(created.id, comment);
      }
      return true;
    }).immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private ticket(id: number): Ticket | undefined {
    const row = this.db.prepare<[number], TicketRow>('SELECT * FROM tickets WHERE id = ?').get(id);
    return row && toTicket(row);
  }

  private insertTicket(ticket: NewTicket): Ticket {
    const at = ticket.createdAt ?? now();
    return toTicket(
      this.db
        .prepare<unknown[], TicketRow>(
          `INSERT INTO tickets (subject, body, status, priority, requester, assignee, tags, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(ticket.subject, ticket.body, ticket.status ?? 'open', ticket.priority, ticket.requester, ticket.assignee, JSON.stringify(ticket.tags), at, at)!,
    );
  }

  private insertComment(ticketId: number, comment: NewComment): TicketComment | undefined {
    const at = comment.createdAt ?? now();
    const touched = this.db.prepare('UPDATE tickets SET updated_at = max(updated_at, ?) WHERE id = ?').run(at, ticketId);
    if (touched.changes === 0) return undefined;
    const row = this.db
      .prepare<unknown[], CommentRow>('INSERT INTO comments (ticket_id, author, body, visibility, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *')
      .get(ticketId, comment.author, comment.body, comment.visibility, at)!;
    return toComment(row);
  }
}

function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    subject: row.subject,
    body: row.body,
    status: row.status,
    priority: row.priority,
    requester: row.requester,
    assignee: row.assignee,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toComment(row: CommentRow): TicketComment {
  return { id: row.id, ticketId: row.ticket_id, author: row.author, body: row.body, visibility: row.visibility, createdAt: row.created_at };
}

function now(): string {
  return new Date().toISOString();
}

/** A SQL list of constant identifiers-as-strings (only ever our own enum values). */
function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}
