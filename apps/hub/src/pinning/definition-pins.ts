import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { canonicalHash } from '@mcp-hub/connector-contract';
import { describeFindings, scanDefinition } from './description-scanner';
import type { DefinitionKind, PinRecord, PinStore } from './pin-store';
import { shadowedNames } from './shadowed-names';

/** A definition as announced, in the form that is hashed: every field a model or the hub relies on. */
export interface Definition {
  kind: DefinitionKind;
  /** Qualified name (tools, prompts), URI (resources) or URI template (resource templates). */
  name: string;
  definition: Record<string, unknown>;
}

/** Why a definition was quarantined: its content changed since it was pinned, or the scanner flagged it. */
export type QuarantineReason = 'changed' | 'flagged';

/** What the description scanner's findings do: hide the definition until approved, or only log them. */
export type ScanMode = 'quarantine' | 'warn';

export interface DefinitionPinsOptions {
  store: PinStore;
  logger: Logger;
  /** Default `quarantine`. */
  scanMode?: ScanMode;
  /** How often approvals made elsewhere (`mcp-hub tools approve`, another replica) are picked up, ms. Default 2000. */
  pollMs?: number;
}

/**
 * Pins every definition on first sight (SHA-256 of its canonical JSON) and quarantines any that
 * later differs, or that the description scanner flags, until an operator approves it. Lookups
 * are synchronous and in memory (`tools/list` is a hot path); the store is written behind them
 * and read back every `pollMs`.
 *
 * Events: `changed` when the set of quarantined definitions changed (lists must be rebuilt);
 * `quarantined` once per newly held definition, for metrics.
 */
export class DefinitionPins extends EventEmitter<{ changed: []; quarantined: [DefinitionKind, QuarantineReason] }> {
  private records = new Map<string, PinRecord>();
  private definitions: readonly Definition[] = [];
  private held = new Set<string>();
  /** Writes in flight, by `key@hash`, so one announcement is written (and logged) once. */
  private readonly writing = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly scanMode: ScanMode;
  /** Hashes by definition object: the same list is decided again on every poll, and hashing schemas is the costly part. */
  private readonly hashes = new WeakMap<object, string>();

  constructor(private readonly options: DefinitionPinsOptions) {
    super();
    this.scanMode = options.scanMode ?? 'quarantine';
  }

  /** Loads the pins (fails when the store is unreachable: the hub must not serve unpinned) and starts polling. */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.options.logger.warn({ err: error }, 'tool pins: store unreachable, keeping the pins in memory'));
    }, this.options.pollMs ?? 2000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.options.store.close();
  }

  /** Whether `name` of `kind` is held: hidden from lists and unknown to calls. */
  isQuarantined(kind: DefinitionKind, name: string): boolean {
    return this.held.has(keyOf(kind, name));
  }

  /** How many definitions the live inventory offers that are held. */
  get quarantinedCount(): number {
    return this.held.size;
  }

  /** Every definition held until approved (the store's, as last read: also those of connectors not live now), by kind then name. */
  heldRecords(): PinRecord[] {
    return [...this.records.values()].filter((record) => record.pendingHash !== null).sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  }

  /**
   * Approves what is held under `name` (of `kind` only, when given), as `mcp-hub tools approve`
   * does, and applies it here at once (other replicas within `pollMs`).
   * @returns the records approved; empty when nothing was held under that name
   */
  async approve(name: string, kind?: DefinitionKind): Promise<PinRecord[]> {
    const approved = await this.options.store.approve(name, kind);
    for (const record of approved) this.options.logger.info({ kind: record.kind, name: record.name, hash: record.approvedHash }, `${record.kind} ${record.name} approved`);
    await this.reload();
    return approved;
  }

  /** Takes the live inventory's definitions (after each change); pins the new ones and holds the changed ones. */
  review(definitions: readonly Definition[]): void {
    this.definitions = definitions;
    this.decide();
  }

  private async reload(): Promise<void> {
    const records = await this.options.store.all();
    this.records = new Map(records.map((record) => [keyOf(record.kind, record.name), record]));
    if (this.decide()) this.emit('changed');
  }

  /** Recomputes which definitions are held, starting the writes the new ones need. Returns whether the held set changed. */
  private decide(): boolean {
    const held = new Set<string>();
    const shadows = shadowedNames(this.definitions.filter((d) => d.kind === 'tool' || d.kind === 'prompt').map((d) => d.name));
    for (const item of this.definitions) {
      const key = keyOf(item.kind, item.name);
      const hash = this.hashOf(item.definition);
      const record = this.records.get(key);
      if (record?.approvedHash === hash) continue;
      if (record) {
        held.add(key);
        if (record.pendingHash !== hash) this.hold(item, key, hash, 'changed');
        continue;
      }
      const findings = [...describeFindings(scanDefinition(item.definition)), ...(shadows.get(item.name) ?? []).map((other) => `shadowed_name of ${other}`)];
      if (findings.length > 0 && this.scanMode === 'quarantine') {
        held.add(key);
        this.hold(item, key, hash, 'flagged', findings);
        continue;
      }
      if (findings.length > 0) this.options.logger.warn({ kind: item.kind, name: item.name, findings }, 'definition flagged by the description scanner (scan mode warn: served)');
      this.write(key, hash, () => this.options.store.pinFirstSight(item.kind, item.name, hash, item.definition));
    }
    const changed = held.size !== this.held.size || [...held].some((key) => !this.held.has(key));
    this.held = held;
    return changed;
  }

  private hashOf(definition: Record<string, unknown>): string {
    let hash = this.hashes.get(definition);
    if (hash === undefined) this.hashes.set(definition, (hash = canonicalHash(definition)));
    return hash;
  }

  private hold(item: Definition, key: string, hash: string, reason: QuarantineReason, findings = describeFindings(scanDefinition(item.definition))): void {
    this.write(key, hash, async () => {
      const record = await this.options.store.holdPending(item.kind, item.name, hash, item.definition, findings);
      this.options.logger.warn(
        { kind: item.kind, name: item.name, reason, findings, hash },
        `${item.kind} ${item.name} quarantined (${reason === 'changed' ? 'its definition changed' : 'flagged by the description scanner'}) until approved: mcp-hub tools diff / approve`,
      );
      this.emit('quarantined', item.kind, reason);
      return record;
    });
  }

  /** Runs one store write for `key@hash` at most once at a time, then folds the stored record in. */
  private write(key: string, hash: string, run: () => Promise<PinRecord>): void {
    const id = `${key}@${hash}`;
    if (this.writing.has(id)) return;
    this.writing.add(id);
    run()
      .then((record) => {
        this.records.set(key, record);
        // Another replica may have pinned a different definition first: then this one is held.
        if (this.decide()) this.emit('changed');
      })
      .catch((error: unknown) => this.options.logger.error({ err: error, key }, 'tool pins: store write failed'))
      .finally(() => this.writing.delete(id));
  }
}

function keyOf(kind: DefinitionKind, name: string): string {
  return `${kind}\u0000${name}`;
}
