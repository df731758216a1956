import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile, open, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { MailboxNotFoundError, type MailboxInfo, type MailStore, type SearchCriteria, type StoredHeaders, type StoredMessage } from '../mail-store';
import { baseOfFileName, fileNameWithFlags, flagsOfFileName } from './maildir-flags';
import { parseMessage } from '../message-view';
import { matchesCriteria } from './match-criteria';

/** Where a folder keeps the UIDs it gave its files (Dovecot keeps `dovecot-uidlist` the same way). */
const UID_LIST = 'mcphub-uidlist.json';

/** Folder names this store creates: one level, no dots (the Maildir++ hierarchy separator). */
const CREATABLE_NAME = /^[A-Za-z][\w -]{0,63}$/;

/** Messages one search reads at most; a larger folder is searched in its newest ones. */
const MAX_SEARCHED = 5000;

/** Bytes read to find the end of a header block. */
const HEADER_READ_BYTES = 64 * 1024;

interface UidList {
  uidValidity: number;
  uidNext: number;
  /** Base file name → UID. */
  uids: Record<string, number>;
}

interface Entry {
  uid: number;
  /** Path relative to the folder: `new/<name>` or `cur/<name>`. */
  file: string;
  flags: string[];
}

/**
 * A Maildir++ tree read and written as an IMAP server would show it: the root is `INBOX`, each
 * `.<Name>` directory a mailbox. UIDs are kept per folder in a small JSON list, so a message
 * keeps its UID while its flags (in its file name) change. One process owns the tree; calls on
 * one folder run one at a time.
 */
export class MaildirMailStore implements MailStore {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly watchers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly root: string,
    private readonly pollIntervalMs: number,
  ) {}

  /** Opens (creating when missing) a Maildir with these mailboxes besides INBOX. */
  static async open(root: string, options: { mailboxes?: readonly string[]; pollIntervalMs?: number } = {}): Promise<MaildirMailStore> {
    const store = new MaildirMailStore(root, options.pollIntervalMs ?? 2000);
    await store.createFolder(root);
    for (const name of options.mailboxes ?? []) {
      if (!CREATABLE_NAME.test(name)) throw new Error(`mailbox name ${name} cannot be created in a Maildir (letters, digits, space, _ and - only)`);
      await store.createFolder(join(root, `.${name}`));
    }
    return store;
  }

  async listMailboxes(): Promise<MailboxInfo[]> {
    const names = ['INBOX', ...(await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith('.') && d.name.length > 1).map((d) => d.name.slice(1)).sort()];
    const infos: MailboxInfo[] = [];
    for (const name of names) {
      const entries = await this.serial(name, () => this.scan(name));
      const specialUse = SPECIAL_USE[name.toLowerCase()];
      infos.push({ name, ...(specialUse && { specialUse }), messages: entries.length, unseen: entries.filter((e) => !e.flags.includes('\\Seen')).length });
    }
    return infos;
  }

  async search(mailbox: string, criteria: SearchCriteria, signal?: AbortSignal): Promise<number[]> {
    const all = await this.serial(mailbox, () => this.scan(mailbox));
    if (Object.values(criteria).every((value) => value === undefined)) return all.map((e) => e.uid);
    const entries = all.slice(-MAX_SEARCHED);
    const dir = this.folder(mailbox);
    const found: number[] = [];
    for (const entry of entries) {
      signal?.throwIfAborted();
      const path = join(dir, entry.file);
      const [source, info] = await Promise.all([readFile(path).catch(() => undefined), stat(path).catch(() => undefined)]);
      if (!source || !info) continue;
      const mail = await parseMessage(source);
      if (matchesCriteria(mail, { flags: entry.flags, receivedAt: info.mtime, source }, criteria)) found.push(entry.uid);
    }
    return found;
  }

  async fetchHeaders(mailbox: string, uids: readonly number[]): Promise<StoredHeaders[]> {
    const wanted = new Set(uids);
    const entries = (await this.serial(mailbox, () => this.scan(mailbox))).filter((e) => wanted.has(e.uid));
    const result: StoredHeaders[] = [];
    for (const entry of entries) {
      const read = await this.readPrefix(join(this.folder(mailbox), entry.file), HEADER_READ_BYTES);
      if (!read) continue;
      result.push({ uid: entry.uid, flags: entry.flags, size: read.size, headers: headerBlock(read.bytes) });
    }
    return result;
  }

  async fetchMessage(mailbox: string, uid: number, maxBytes: number): Promise<StoredMessage | undefined> {
    const entry = (await this.serial(mailbox, () => this.scan(mailbox))).find((e) => e.uid === uid);
    if (!entry) return undefined;
    const read = await this.readPrefix(join(this.folder(mailbox), entry.file), maxBytes);
    return read && { uid, flags: entry.flags, size: read.size, source: read.bytes };
  }

  async append(mailbox: string, source: Buffer, flags: readonly string[], options: { receivedAt?: Date } = {}): Promise<number | undefined> {
    const { receivedAt } = options;
    return this.serial(mailbox, async () => {
      const dir = this.folder(mailbox);
      const base = uniqueName();
      const temporary = join(dir, 'tmp', base);
      await writeFile(temporary, source, { flag: 'wx' });
      if (receivedAt) await utimes(temporary, receivedAt, receivedAt);
      const file = flags.length > 0 ? join('cur', fileNameWithFlags(base, flags)) : join('new', base);
      await rename(temporary, join(dir, file));
      return (await this.scan(mailbox)).find((e) => baseOfFileName(e.file.slice(4)) === base)?.uid;
    });
  }

  async move(mailbox: string, uid: number, destination: string): Promise<{ moved: boolean; uid?: number }> {
    const target = this.folder(destination);
    const entry = await this.serial(mailbox, async () => {
      const found = (await this.scan(mailbox)).find((e) => e.uid === uid);
      if (!found) return undefined;
      const name = fileNameWithFlags(baseOfFileName(found.file.slice(4)), found.flags);
      await rename(join(this.folder(mailbox), found.file), join(target, 'cur', name));
      await this.scan(mailbox);
      return { name };
    });
    if (!entry) return { moved: false };
    const newUid = await this.serial(destination, async () => (await this.scan(destination)).find((e) => e.file === join('cur', entry.name))?.uid);
    return { moved: true, ...(newUid !== undefined && { uid: newUid }) };
  }

  async setFlags(mailbox: string, uid: number, add: readonly string[], remove: readonly string[]): Promise<string[] | undefined> {
    return this.serial(mailbox, async () => {
      const entry = (await this.scan(mailbox)).find((e) => e.uid === uid);
      if (!entry) return undefined;
      const flags = [...new Set([...entry.flags.filter((f) => !remove.includes(f)), ...add])];
      const name = fileNameWithFlags(baseOfFileName(entry.file.slice(4)), flags);
      await rename(join(this.folder(mailbox), entry.file), join(this.folder(mailbox), 'cur', name));
      return flagsOfFileName(name);
    });
  }

  /** Polls the folder's file names: a Maildir has no change notification that works on every file system. */
  watch(mailbox: string, onChange: () => void): () => void {
    const dir = this.folder(mailbox);
    let last: string | undefined;
    const poll = async () => {
      const names = await Promise.all(['new', 'cur'].map((sub) => readdir(join(dir, sub)).catch(() => [] as string[])));
      const signature = names.flat().map(baseOfFileName).sort().join('\n');
      if (last !== undefined && signature !== last) onChange();
      last = signature;
    };
    void poll();
    const timer = setInterval(() => void poll().catch(() => undefined), this.pollIntervalMs);
    timer.unref();
    this.watchers.add(timer);
    return () => {
      clearInterval(timer);
      this.watchers.delete(timer);
    };
  }

  async close(): Promise<void> {
    for (const timer of this.watchers) clearInterval(timer);
    this.watchers.clear();
    await Promise.all(this.queues.values());
  }

  /** The folder of a mailbox that exists; mailbox names never become paths unless the folder is there. */
  private folder(mailbox: string): string {
    if (mailbox === 'INBOX') return this.root;
    if (mailbox.includes('/') || mailbox.includes('\\') || mailbox.startsWith('.') || mailbox.includes('..')) throw new MailboxNotFoundError(mailbox);
    const dir = join(this.root, `.${mailbox}`);
    if (!existsSync(join(dir, 'cur'))) throw new MailboxNotFoundError(mailbox);
    return dir;
  }

  private async createFolder(dir: string): Promise<void> {
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
  }

  /** Runs `work` after every earlier call on the same mailbox finished. */
  private serial<T>(mailbox: string, work: () => Promise<T>): Promise<T> {
    this.folder(mailbox);
    const previous = this.queues.get(mailbox) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(
      mailbox,
      next.catch(() => undefined),
    );
    return next;
  }

  /** The folder's messages by UID, giving new files the next UIDs (oldest first) and saving the list when it changed. */
  private async scan(mailbox: string): Promise<Entry[]> {
    const dir = this.folder(mailbox);
    const listPath = join(dir, UID_LIST);
    const list: UidList = await readFile(listPath, 'utf8').then(
      (text) => JSON.parse(text) as UidList,
      () => ({ uidValidity: Math.floor(Date.now() / 1000), uidNext: 1, uids: {} }),
    );
    const files: Array<{ file: string; base: string; mtimeMs: number }> = [];
    for (const sub of ['new', 'cur']) {
      for (const name of await readdir(join(dir, sub))) {
        if (name.startsWith('.')) continue;
        const info = await stat(join(dir, sub, name)).catch(() => undefined);
        if (info?.isFile()) files.push({ file: join(sub, name), base: baseOfFileName(name), mtimeMs: info.mtimeMs });
      }
    }
    let changed = false;
    const unknown = files.filter((f) => list.uids[f.base] === undefined).sort((a, b) => a.mtimeMs - b.mtimeMs || a.base.localeCompare(b.base));
    for (const file of unknown) {
      list.uids[file.base] = list.uidNext++;
      changed = true;
    }
    const present = new Set(files.map((f) => f.base));
    for (const base of Object.keys(list.uids)) {
      if (!present.has(base)) {
        delete list.uids[base];
        changed = true;
      }
    }
    if (changed) await writeFile(listPath, JSON.stringify(list));
    return files.map((f) => ({ uid: list.uids[f.base]!, file: f.file, flags: flagsOfFileName(f.file.slice(4)) })).sort((a, b) => a.uid - b.uid);
  }

  private async readPrefix(path: string, maxBytes: number): Promise<{ bytes: Buffer; size: number } | undefined> {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return undefined;
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(Math.min(size, maxBytes));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return { bytes: buffer.subarray(0, bytesRead), size };
    } finally {
      await handle.close();
    }
  }
}

/** RFC 6154 special use of the usual folder names, as a server would announce it. */
const SPECIAL_USE: Readonly<Record<string, string>> = { drafts: '\\Drafts', sent: '\\Sent', trash: '\\Trash', archive: '\\Archive', junk: '\\Junk' };

function uniqueName(): string {
  return `${Date.now()}.M${randomBytes(6).toString('hex')}P${process.pid}.mcphub`;
}

/** The header block of a message (up to and including the blank line), or all of it when it has no body. */
function headerBlock(bytes: Buffer): Buffer {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  const ends = [crlf < 0 ? -1 : crlf + 4, lf < 0 ? -1 : lf + 2].filter((end) => end > 0);
  return ends.length > 0 ? bytes.subarray(0, Math.min(...ends)) : bytes;
}
