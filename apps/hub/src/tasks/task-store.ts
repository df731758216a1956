import { z } from 'zod';

/** What the hub records of an MCP task besides its job: who created it, when, and for how long. The task id is the job id. */
export const TaskRecordSchema = z.object({
  taskId: z.string().min(1).max(200),
  principalId: z.string().min(1).max(1000),
  /** Epoch ms. */
  createdAt: z.number().int().positive(),
  /** How long the task is kept from `createdAt`, ms. */
  ttlMs: z.number().int().positive(),
  /** Set once its creator cancelled it, epoch ms: the task is cancelled from then on, whatever its job does. */
  cancelledAt: z.number().int().positive().optional(),
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

/** One page of a principal's tasks. */
export interface TaskPage {
  records: TaskRecord[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

/** Where task records live, shared by every hub replica; each record disappears `ttlMs` after its creation. */
export interface TaskStore {
  put(record: TaskRecord): Promise<void>;
  /** The record, or undefined when there is none (never was, or expired). */
  get(taskId: string): Promise<TaskRecord | undefined>;
  /** Marks a task cancelled; keeps its expiry. */
  markCancelled(taskId: string, at: number): Promise<void>;
  /** The principal's live tasks, oldest first, `limit` at a time. @throws InvalidCursor for a cursor this store did not give */
  list(principalId: string, cursor: string | undefined, limit: number): Promise<TaskPage>;
  close(): void;
}

/** A `tasks/list` cursor that is not one the store handed out. */
export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}
