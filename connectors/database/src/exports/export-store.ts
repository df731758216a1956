import { randomUUID } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export type ExportFormat = 'csv' | 'jsonl';

export const EXPORT_MIME_TYPES: Readonly<Record<ExportFormat, string>> = { csv: 'text/csv', jsonl: 'application/jsonl' };

/** What is kept beside an export's file: who may read it, and what it holds. */
const ExportMetaSchema = z.object({
  owner: z.string(),
  format: z.enum(['csv', 'jsonl']),
  rows: z.number().int(),
  bytes: z.number().int(),
  createdAt: z.number().int(),
});
export type ExportMeta = z.infer<typeof ExportMetaSchema>;

const EXPORT_ID = /^[a-z0-9-]{8,80}$/;

/** An export being written: append, then {@link commit} (or {@link discard}). */
export interface ExportFile {
  readonly id: string;
  write(chunk: string): Promise<void>;
  commit(meta: Omit<ExportMeta, 'createdAt'>): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Export files of `database_export_query` in one directory, each read back by its owner only
 * and deleted `keepMs` after it was written. A file is written as `<id>.part` and renamed when
 * complete, so a reader never sees half an export; a job that runs again (after a restart)
 * writes the same id over it.
 */
export class ExportStore {
  constructor(private readonly options: { dir: string; keepMs: number }) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  }

  get keepMs(): number {
    return this.options.keepMs;
  }

  /** Opens a new export; `id` (a job's id, so a re-run replaces its own file) defaults to a UUID. */
  async create(id: string = randomUUID()): Promise<ExportFile> {
    if (!EXPORT_ID.test(id)) throw new Error('invalid export id');
    await this.prune();
    const part = this.file(id, 'part');
    const handle = await fs.open(part, 'w', 0o600);
    let open = true;
    const close = async () => {
      if (open) await handle.close();
      open = false;
    };
    return {
      id,
      write: async (chunk) => void (await handle.write(chunk)),
      commit: async (meta) => {
        await close();
        await fs.writeFile(this.file(id, 'json'), JSON.stringify({ ...meta, createdAt: Date.now() }), { mode: 0o600 });
        await fs.rename(part, this.file(id, 'data'));
      },
      discard: async () => {
        await close();
        await fs.rm(part, { force: true });
      },
    };
  }

  /** The export `id` with its content, when it exists, has not expired and `principalId` owns it. */
  async read(id: string, principalId: string): Promise<{ meta: ExportMeta; text: string } | undefined> {
    const meta = await this.meta(id);
    if (!meta || meta.owner !== principalId || meta.createdAt < Date.now() - this.options.keepMs) return undefined;
    const text = await fs.readFile(this.file(id, 'data'), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : { meta, text };
  }

  /** Deletes exports older than the retention time, and parts left by a crash as old. */
  async prune(now = Date.now()): Promise<void> {
    const names = await fs.readdir(this.options.dir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(this.options.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && stat.mtimeMs < now - this.options.keepMs) await fs.rm(file, { force: true });
    }
  }

  private async meta(id: string): Promise<ExportMeta | undefined> {
    if (!EXPORT_ID.test(id)) return undefined;
    const text = await fs.readFile(this.file(id, 'json'), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const parsed = ExportMetaSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private file(id: string, kind: 'part' | 'data' | 'json'): string {
    return path.join(this.options.dir, `${id}.${kind}`);
  }
}

/** The resource URI of an export. */
export function exportUri(id: string): string {
  return `database://exports/${id}`;
}
