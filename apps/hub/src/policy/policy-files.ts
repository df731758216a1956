import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { PolicySource } from './cedar-policy-set';

/** Policy files are small; a larger one is a mistake (or an attack on the parser), not a policy. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

/**
 * The Cedar files a policy is read from: each configured path is a file, or a folder whose
 * `*.cedar` files are read in name order. Watches their folders (an editor's save, or an atomic
 * rename, both show up as events there) and calls `onChange` after events settle.
 */
export class PolicyFiles {
  private readonly paths: string[];
  private watchers: FSWatcher[] = [];
  private settle?: NodeJS.Timeout;

  constructor(
    paths: readonly string[],
    private readonly onChange: () => void,
    /** How long events must stop before a reload, ms: one save often fires several. */
    private readonly settleMs = 100,
  ) {
    this.paths = paths.map((path) => resolve(path));
  }

  /**
   * Reads every file. Rejects naming the path when one is missing, unreadable or too large: a
   * policy with a file left out would not be the policy that was written.
   */
  async read(): Promise<PolicySource[]> {
    const sources: PolicySource[] = [];
    for (const path of this.paths) {
      const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
        throw new Error(`${path}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}`);
      });
      const files = info.isDirectory() ? (await readdir(path)).filter((name) => name.endsWith('.cedar')).sort().map((name) => join(path, name)) : [path];
      for (const file of files) sources.push({ name: file, text: await readPolicyFile(file) });
    }
    return sources;
  }

  /** Starts watching the files' folders (a folder path is watched itself). */
  async watch(): Promise<void> {
    const folders = new Map<string, Set<string> | 'all'>();
    for (const path of this.paths) {
      const isFolder = await stat(path).then((info) => info.isDirectory(), () => false);
      const folder = isFolder ? path : dirname(path);
      const names = folders.get(folder);
      if (isFolder || names === 'all') folders.set(folder, 'all');
      else folders.set(folder, (names ?? new Set()).add(basename(path)));
    }
    for (const [folder, names] of folders) {
      const watcher = watch(folder, (_event, name) => {
        if (names === 'all' || name === null || names.has(name.toString())) this.changed();
      });
      watcher.on('error', () => this.changed());
      // Watching never keeps a process alive on its own.
      watcher.unref();
      this.watchers.push(watcher);
    }
  }

  close(): void {
    clearTimeout(this.settle);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  private changed(): void {
    clearTimeout(this.settle);
    this.settle = setTimeout(this.onChange, this.settleMs);
    this.settle.unref();
  }
}

async function readPolicyFile(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > MAX_POLICY_FILE_BYTES) throw new Error(`${file}: larger than ${MAX_POLICY_FILE_BYTES} bytes`);
  return readFile(file, 'utf8');
}
