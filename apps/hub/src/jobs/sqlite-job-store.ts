import Database from 'better-sqlite3';
import { JobDataSchema, JobFailureSchema, JobProgressSchema, ToolResultSchema, type JobProgress } from '@mcp-hub/connector-contract';
import { UNKNOWN_FAILURE, type JobStatus } from './job-queues';
import type { JobRecord, JobStore } from './job-store';

interface Row {
  job_id: string;
  connector: string;
  data: string;
  status: JobStatus;
  attempts: number;
  run_at: number;
  progress: string | null;
  result: string | null;
  error: string | null;
  finished_at: number | null;
  created_at: number;
}

/**
 * The embedded runner's jobs in a SQLite file (`<dataDir>/jobs.sqlite`). WAL with
 * `synchronous = NORMAL`: a power cut may lose the last few transactions (a job submitted or
 * finished just before it, which is then missing or run again), a process crash loses nothing.
 * Every column is parsed with zod when read back: the file is outside the process.
 */
export class SqliteJobStore implements JobStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(options: { file: string }) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      job_id TEXT PRIMARY KEY, connector TEXT NOT NULL, data TEXT NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, run_at INTEGER NOT NULL,
      progress TEXT, result TEXT, error TEXT, created_at INTEGER NOT NULL, finished_at INTEGER);
      CREATE INDEX IF NOT EXISTS jobs_waiting ON jobs (status, connector, run_at);
      CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at)`);
    const db = this.db;
    this.statements = {
      insert: db.prepare(`INSERT INTO jobs (job_id, connector, data, status, run_at, created_at) VALUES (?, ?, ?, 'waiting', ?, ?)`),
      get: db.prepare(`SELECT * FROM jobs WHERE job_id = ?`),
      recent: db.prepare(`SELECT * FROM jobs WHERE connector = ? ORDER BY created_at DESC LIMIT ?`),
      due: db.prepare(`SELECT DISTINCT connector FROM jobs WHERE status = 'waiting' AND run_at <= ?`),
      next: db.prepare(`SELECT MIN(run_at) AS at FROM jobs WHERE status = 'waiting'`),
      claim: db.prepare(
        `UPDATE jobs SET status = 'active', attempts = attempts + 1 WHERE job_id =
           (SELECT job_id FROM jobs WHERE status = 'waiting' AND connector = ? AND run_at <= ? ORDER BY run_at, created_at LIMIT 1) RETURNING *`,
      ),
      progress: db.prepare(`UPDATE jobs SET progress = ? WHERE job_id = ? AND status = 'active'`),
      requeue: db.prepare(`UPDATE jobs SET status = 'waiting', run_at = ?, attempts = attempts - ? WHERE job_id = ? AND status = 'active'`),
      finish: db.prepare(`UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE job_id = ? AND status IN ('waiting', 'active')`),
      recover: db.prepare(`UPDATE jobs SET status = 'waiting', run_at = ? WHERE status = 'active' RETURNING job_id`),
      prune: db.prepare(`DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?`),
    };
  }

  insert(record: Pick<JobRecord, 'jobId' | 'connector' | 'data' | 'runAt'>): void {
    this.statements.insert.run(record.jobId, record.connector, JSON.stringify(record.data), record.runAt, Date.now());
  }

  get(jobId: string): JobRecord | undefined {
    const row = this.statements.get.get(jobId) as Row | undefined;
    return row && toRecord(row);
  }

  recent(connector: string, limit: number): JobRecord[] {
    return (this.statements.recent.all(connector, limit) as Row[]).map(toRecord).filter((record): record is JobRecord => record !== undefined);
  }

  dueConnectors(now: number): string[] {
    return (this.statements.due.all(now) as Array<{ connector: string }>).map((row) => row.connector);
  }

  nextRunAt(): number | undefined {
    return (this.statements.next.get() as { at: number | null }).at ?? undefined;
  }

  claim(connector: string, now: number): JobRecord | undefined {
    const row = this.statements.claim.get(connector, now) as Row | undefined;
    if (!row) return undefined;
    const record = toRecord(row);
    if (record) return record;
    // A row this code cannot read (edited by hand, or by a newer version) fails instead of blocking the queue.
    this.finish(row.job_id, { status: 'failed', error: UNKNOWN_FAILURE }, now);
    return this.claim(connector, now);
  }

  setProgress(jobId: string, progress: JobProgress): void {
    this.statements.progress.run(JSON.stringify(progress), jobId);
  }

  requeue(jobId: string, runAt: number, refund: boolean): void {
    this.statements.requeue.run(runAt, refund ? 1 : 0, jobId);
  }

  finish(jobId: string, end: Parameters<JobStore['finish']>[1], now: number): boolean {
    const result = end.status === 'completed' ? JSON.stringify(end.result) : null;
    const error = end.status === 'completed' ? null : JSON.stringify(end.error);
    return this.statements.finish.run(end.status, result, error, now, jobId).changes > 0;
  }

  recoverInterrupted(now: number): string[] {
    return (this.statements.recover.all(now) as Array<{ job_id: string }>).map((row) => row.job_id);
  }

  prune(before: number): number {
    return this.statements.prune.run(before).changes;
  }

  close(): void {
    this.db.close();
  }
}

function toRecord(row: Row): JobRecord | undefined {
  const data = JobDataSchema.safeParse(parse(row.data));
  if (!data.success) return undefined;
  const progress = JobProgressSchema.safeParse(parse(row.progress));
  const result = ToolResultSchema.safeParse(parse(row.result));
  const error = JobFailureSchema.safeParse(parse(row.error));
  return {
    jobId: row.job_id,
    connector: row.connector,
    data: data.data,
    status: row.status,
    attempts: row.attempts,
    runAt: row.run_at,
    ...(progress.success && { progress: progress.data }),
    ...(result.success && { result: result.data }),
    ...(error.success && { error: error.data }),
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
    createdAt: row.created_at,
  };
}

function parse(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
