import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import type { Logger } from 'pino';
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
import { Redactor, ToolError, type IdempotencyClaim, type IdempotencyState } from '@mcp-hub/connector-kit';
import { ACTIVE_STATUSES } from './ticket-workflow';

/** A PostgreSQL schema name the store may own: lower-case identifier, quoted nowhere but here. */
export const POSTGRES_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresTicketStoreOptions {
  /** Connection string. Never logged and never part of an error message. */
  url: string;
  /** Schema holding the store's tables; created when missing. Must match {@link POSTGRES_SCHEMA_NAME}. */
  schema: string;
  logger?: Logger;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
}

interface TicketRow extends QueryResultRow {
  id: number;
  subject: string;
  body: string;
  status: TicketStatus;
  priority: TicketPriority;
  requester: string;
  assignee: string | null;
  tags: string[];
  created_at: Date;
  updated_at: Date;
}

interface CommentRow extends QueryResultRow {
  id: number;
  ticket_id: number;
  author: string;
  body: string;
  visibility: 'public' | 'internal';
  created_at: Date;
}

type Queryable = Pick<PoolClient, 'query'>;

/**
 * A {@link TicketStore} in its own PostgreSQL schema, shared by every replica. Queries are
 * parameterised; the only name written into SQL is the schema, validated by regex and quoted.
 * A read whose `signal` aborts stops waiting at once (the statement itself is bounded by the
 * pool's statement timeout); a write checks `signal` before it starts and then runs to the end,
 * so that its caller knows whether it happened.
 */
export class PostgresTicketStore implements TicketStore {
  private readonly t: { tickets: string; comments: string; keys: string };

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    const s = `"${schema}"`;
    this.t = { tickets: `${s}.tickets`, comments: `${s}.comments`, keys: `${s}.idempotency_keys` };
  }

  /**
   * Connects and creates the schema and tables when missing.
   * @throws an error whose message names neither the URL nor the password.
   */
  static async open(options: PostgresTicketStoreOptions): Promise<PostgresTicketStore> {
    if (!POSTGRES_SCHEMA_NAME.test(options.schema)) throw new Error(`invalid PostgreSQL schema name (expected ${POSTGRES_SCHEMA_NAME.source})`);
    const redactor = new Redactor([options.url]);
    const redact = (error: unknown) => redactor.messageOf(error);
    let pool: Pool;
    try {
      pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10, statement_timeout: 15_000, application_name: 'mcp-hub-helpdesk' });
    } catch (error) {
      throw new Error(`could not open the PostgreSQL ticket store: ${redact(error)}`);
    }
    pool.on('error', (error) => options.logger?.warn({ reason: redact(error) }, 'idle PostgreSQL connection failed'));
    // pg-pool listens for a client's 'error' only while it is idle; a checked-out client (inside a
    // transaction) whose connection drops would otherwise crash the process. The running query
    // fails on its own and pg-pool discards the dead client on release.
    pool.on('connect', (client) => client.on('error', (error) => options.logger?.warn({ reason: redact(error) }, 'PostgreSQL connection lost during a call')));
    const store = new PostgresTicketStore(pool, options.schema);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(`could not open the PostgreSQL ticket store: ${redact(error)}`);
    }
    return store;
  }

  async searchTickets(filter: TicketFilter, page: { afterId?: number; limit: number }, signal?: AbortSignal): Promise<TicketPage> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (filter.text) {
      const pattern = p(likePattern(filter.text));
      where.push(`(subject ILIKE ${pattern} ESCAPE '\\' OR body ILIKE ${pattern} ESCAPE '\\')`);
    }
    if (filter.status) where.push(`status = ${p(filter.status)}`);
    if (filter.priority) where.push(`priority = ${p(filter.priority)}`);
    if (filter.assignee) where.push(`assignee = ${p(filter.assignee)}`);
    else if (filter.unassigned) where.push('assignee IS NULL');
    if (filter.requester) where.push(`requester = ${p(filter.requester)}`);
    if (filter.tag) where.push(`${p(filter.tag)} = ANY (tags)`);
    if (page.afterId !== undefined) where.push(`id < ${p(page.afterId)}`);
    const sql = `SELECT * FROM ${this.t.tickets} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${p(page.limit + 1)}`;
    const rows = await this.query<TicketRow>(this.pool, sql, params, signal);
    return { tickets: rows.slice(0, page.limit).map(toTicket), hasMore: rows.length > page.limit };
  }

  async getTicket(id: number, signal?: AbortSignal): Promise<Ticket | undefined> {
    const [row] = await this.query<TicketRow>(this.pool, `SELECT * FROM ${this.t.tickets} WHERE id = $1`, [id], signal);
    return row && toTicket(row);
  }

  async listComments(ticketId: number, limit: number, signal?: AbortSignal): Promise<{ comments: TicketComment[]; total: number }> {
    const rows = await this.query<CommentRow & { total: number }>(
      this.pool,
      `SELECT *, count(*) OVER ()::int AS total FROM ${this.t.comments} WHERE ticket_id = $1 ORDER BY id LIMIT $2`,
      [ticketId, limit],
      signal,
    );
    if (rows.length === 0 || limit === 0) {
      const [count] = await this.query<{ n: number }>(this.pool, `SELECT count(*)::int AS n FROM ${this.t.comments} WHERE ticket_id = $1`, [ticketId], signal);
      return { comments: [], total: count?.n ?? 0 };
    }
    return { comments: rows.map(toComment), total: rows[0]!.total };
  }

  async createTicket(ticket: NewTicket, signal?: AbortSignal): Promise<Ticket> {
    signal?.throwIfAborted();
    return this.insertTicket(this.pool, ticket);
  }

  async updateTicket(id: number, patch: TicketPatch, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    const [row] = await this.query<TicketRow>(
      this.pool,
      `UPDATE ${this.t.tickets} SET subject = coalesce($1, subject), body = coalesce($2, body), priority = coalesce($3, priority),
         tags = coalesce($4::text[], tags), updated_at = now() WHERE id = $5 RETURNING *`,
      [patch.subject ?? null, patch.body ?? null, patch.priority ?? null, patch.tags ?? null, id],
    );
    return row && toTicket(row);
  }

  async addComment(ticketId: number, comment: NewComment, signal?: AbortSignal): Promise<TicketComment | undefined> {
    signal?.throwIfAborted();
    return this.transaction((client) => this.insertComment(client, ticketId, comment));
  }

  async transitionTicket(id: number, from: TicketStatus, to: TicketStatus, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    const [row] = await this.query<TicketRow>(
      this.pool,
      `UPDATE ${this.t.tickets} SET status = $1, updated_at = now() WHERE id = $2 AND status = $3 RETURNING *`,
      [to, id, from],
    );
    return row && toTicket(row);
  }

  async assignTicket(id: number, assignee: string | null, signal?: AbortSignal): Promise<Ticket | undefined> {
    signal?.throwIfAborted();
    const [row] = await this.query<TicketRow>(
      this.pool,
      `UPDATE ${this.t.tickets} SET assignee = $1, updated_at = now() WHERE id = $2 RETURNING *`,
      [assignee, id],
    );
    return row && toTicket(row);
  }

  async recentTicketIds(prefix: string, limit: number, signal?: AbortSignal): Promise<number[]> {
    if (!/^\d*$/.test(prefix)) return [];
    const rows = await this.query<{ id: number }>(
      this.pool,
      `SELECT id FROM ${this.t.tickets} WHERE id::text LIKE $1 ORDER BY updated_at DESC, id DESC LIMIT $2`,
      [`${prefix}%`, limit],
      signal,
    );
    return rows.map((r) => r.id);
  }

  async queueOverview(oldestLimit: number, signal?: AbortSignal): Promise<QueueOverview> {
    const byStatus = zeroCounts(TicketStatusSchema.options);
    const byPriority = zeroCounts(TicketPrioritySchema.options);
    const counts = await this.query<{ status: TicketStatus; priority: TicketPriority; n: number }>(
      this.pool,
      `SELECT status, priority, count(*)::int AS n FROM ${this.t.tickets} GROUP BY status, priority`,
      [],
      signal,
    );
    for (const c of counts) {
      byStatus[c.status] += c.n;
      byPriority[c.priority] += c.n;
    }
    const oldest = await this.query<TicketRow>(
      this.pool,
      `SELECT * FROM ${this.t.tickets} WHERE status = ANY ($1::text[]) ORDER BY created_at, id LIMIT $2`,
      [ACTIVE_STATUSES, oldestLimit],
      signal,
    );
    const total = counts.reduce((sum, c) => sum + c.n, 0);
    return { total, byStatus, byPriority, oldestActive: oldest.map(toTicket) };
  }

  async claimIdempotencyKey(claim: IdempotencyClaim, signal?: AbortSignal): Promise<IdempotencyState> {
    signal?.throwIfAborted();
    const at = Date.now();
    const keyParams = [claim.principal, claim.tool, claim.key];
    const inserted = await this.query(
      this.pool,
      `INSERT INTO ${this.t.keys} (principal, tool, key, request_hash, claimed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [...keyParams, claim.requestHash, claim.leaseUntil],
    );
    if (inserted.length === 1) return { state: 'acquired' };
    const [row] = await this.query<{ request_hash: string; result: string | null }>(
      this.pool,
      `SELECT request_hash, result FROM ${this.t.keys} WHERE principal = $1 AND tool = $2 AND key = $3`,
      keyParams,
    );
    // Released between our insert and this read: the caller retries as if it had met a running request.
    if (!row) return { state: 'in_progress' };
    if (row.request_hash !== claim.requestHash) return { state: 'mismatch' };
    if (row.result !== null) return { state: 'completed', result: row.result };
    // claimed_at holds the end of the claim's lease (epoch ms): past it, the claim may be taken over.
    const takenOver = await this.query(
      this.pool,
      `UPDATE ${this.t.keys} SET claimed_at = $4 WHERE principal = $1 AND tool = $2 AND key = $3 AND result IS NULL AND claimed_at < $5 RETURNING 1`,
      [...keyParams, claim.leaseUntil, at],
    );
    return takenOver.length === 1 ? { state: 'acquired' } : { state: 'in_progress' };
  }

  async completeIdempotencyKey(claim: IdempotencyClaim, result: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.t.keys} SET result = $4 WHERE principal = $1 AND tool = $2 AND key = $3`, [claim.principal, claim.tool, claim.key, result]);
  }

  async releaseIdempotencyKey(claim: IdempotencyClaim): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.t.keys} WHERE principal = $1 AND tool = $2 AND key = $3 AND result IS NULL AND claimed_at = $4`, [
      claim.principal,
      claim.tool,
      claim.key,
      claim.leaseUntil,
    ]);
  }

  async seedIfEmpty(tickets: SeedTicket[]): Promise<boolean> {
    return this.transaction(async (client) => {
      // Replicas starting together must not seed twice.
      await client.query(`LOCK TABLE ${this.t.tickets} IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.t.tickets}`);
      if (rows[0]!.n > 0) return false;
      for (const { comments, ...ticket } of tickets) {
        const created = await this.insertTicket(client, ticket);
        for (const comment of comments) await this.insertComment(client, created.id, comment);
      }
      return true;
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private async migrate(): Promise<void> {
    const statuses = TicketStatusSchema.options.map((s) => `'${s}'`).join(', ');
    const priorities = TicketPrioritySchema.options.map((s) => `'${s}'`).join(', ');
    await this.transaction(async (client) => {
      // Replicas starting together would otherwise race on CREATE … IF NOT EXISTS.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mcp-hub-helpdesk:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.t.tickets} (
          id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          subject text NOT NULL,
          body text NOT NULL,
          status text NOT NULL CHECK (status IN (${statuses})),
          priority text NOT NULL CHECK (priority IN (${priorities})),
          requester text NOT NULL,
          assignee text,
          tags text[] NOT NULL DEFAULT '{}',
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS tickets_status_created ON ${this.t.tickets} (status, created_at);
        CREATE INDEX IF NOT EXISTS tickets_updated ON ${this.t.tickets} (updated_at);
        CREATE TABLE IF NOT EXISTS ${this.t.comments} (
          id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          ticket_id integer NOT NULL REFERENCES ${this.t.tickets} (id) ON DELETE CASCADE,
          author text NOT NULL,
          body text NOT NULL,
          visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
          created_at timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS comments_ticket ON ${this.t.comments} (ticket_id, id);
        CREATE TABLE IF NOT EXISTS ${this.t.keys} (
          principal text NOT NULL,
          tool text NOT NULL,
          key text NOT NULL,
          request_hash text NOT NULL,
          result text,
          claimed_at bigint NOT NULL,
          PRIMARY KEY (principal, tool, key)
        );`);
    });
  }

  private async insertTicket(db: Queryable, ticket: NewTicket): Promise<Ticket> {
    const [row] = await this.query<TicketRow>(
      db,
      `INSERT INTO ${this.t.tickets} (subject, body, status, priority, requester, assignee, tags, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()), coalesce($8::timestamptz, now())) RETURNING *`,
      [ticket.subject, ticket.body, ticket.status ?? 'open', ticket.priority, ticket.requester, ticket.assignee, ticket.tags, ticket.createdAt ?? null],
    );
    return toTicket(row!);
  }

  private async insertComment(db: Queryable, ticketId: number, comment: NewComment): Promise<TicketComment | undefined> {
    const at = comment.createdAt ?? null;
    const touched = await db.query(`UPDATE ${this.t.tickets} SET updated_at = greatest(updated_at, coalesce($1::timestamptz, now())) WHERE id = $2`, [at, ticketId]);
    if (touched.rowCount === 0) return undefined;
    const { rows } = await db.query<CommentRow>(
      `INSERT INTO ${this.t.comments} (ticket_id, author, body, visibility, created_at) VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now())) RETURNING *`,
      [ticketId, comment.author, comment.body, comment.visibility, at],
    );
    return toComment(rows[0]!);
  }

  private async query<R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[], signal?: AbortSignal): Promise<R[]> {
    signal?.throwIfAborted();
    const running = db.query<R>(sql, params).catch(rethrowConnectionLoss);
    if (!signal) return (await running).rows;
    return (await abortable(running, signal)).rows;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(rethrowConnectionLoss);
    let failure: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failure = error;
      await client.query('ROLLBACK').catch(() => undefined);
      return rethrowConnectionLoss(error);
    } finally {
      // A client whose connection failed is destroyed rather than handed to the next call.
      client.release(isConnectionLoss(failure) ? (failure as Error) : undefined);
    }
  }
}

/** SQLSTATE classes and driver messages that mean the connection itself is gone (restart, failover, terminated backend). */
function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && /^(08|57P0[1-3])/.test(code)) || /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED/i.test(error.message);
}

/** Turns a lost connection into a tool error the model can act on; rethrows anything else unchanged. */
function rethrowConnectionLoss(error: unknown): never {
  if (isConnectionLoss(error)) {
    throw new ToolError(
      'upstream',
      'The ticket store lost its connection to PostgreSQL. Retry the call: the next one opens a new connection. ' +
        'A change that was running may not have been saved; an idempotency_key makes the retry safe.',
    );
  }
  throw error;
}

/** Rejects with the signal's reason as soon as it aborts; the query runs on and its result is dropped. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toComment(row: CommentRow): TicketComment {
  return { id: row.id, ticketId: row.ticket_id, author: row.author, body: row.body, visibility: row.visibility, createdAt: row.created_at.toISOString() };
}
