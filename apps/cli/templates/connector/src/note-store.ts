import type { IdempotencyStore } from '@mcp-hub/connector-kit';

export interface Note {
  id: number;
  text: string;
  createdAt: string;
}

/** Notes in memory: stands in for the upstream system this connector will reach. */
export class NoteStore {
  private readonly notes: Note[] = [];

  constructor(readonly maxNotes: number) {}

  list(): Note[] {
    return [...this.notes];
  }

  add(text: string): Note | undefined {
    if (this.notes.length >= this.maxNotes) return undefined;
    const note = { id: this.notes.length + 1, text, createdAt: new Date().toISOString() };
    this.notes.push(note);
    return note;
  }
}

/** What the handlers receive: built by `create` in connector-module.ts, never by a handler. */
export interface Deps {
  notes: NoteStore;
  /** Where idempotency keys live; every replica must share it (a database or Redis) once there are several. */
  idempotency: IdempotencyStore;
}
