import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { SchemaJson } from '@cedar-policy/cedar-wasm/nodejs';
import { CedarPolicySet, type PolicyDecision, type PolicySource } from './cedar-policy-set';
import { generateCedarSchema, type SchemaSources } from './cedar-schema';
import { PolicyFiles } from './policy-files';
import type { PolicyPrincipal } from './policy-principal';
import type { PolicyAction, PolicyTarget } from './policy-target';

export interface PolicyEngineOptions {
  /** Cedar files, or folders of `*.cedar` files, that together make the policy. */
  files: readonly string[];
  logger: Logger;
  /** How long file events must stop before a reload, ms. Default 100. */
  settleMs?: number;
}

/** Where the policy in force came from. */
export type PolicyState =
  | { status: 'loaded'; version: number; policies: number }
  /** No policy could be read at start (missing, unreadable or invalid): every request is denied. */
  | { status: 'deny_all'; reason: string };

/**
 * The hub's policy: Cedar files, watched, validated against a schema generated from the live
 * manifests, and swapped whole. The one entry point the hub consults:
 *  - {@link decide} on every call, read, prompt and completion;
 *  - {@link visible} for what lists show.
 *
 * A policy that cannot be read or compiled at start denies everything (deny by default). An edit
 * that does not parse or does not validate is refused with the errors logged
 * ({@link lastRefusal}); the last good policy stays in force. A good edit is in force for the
 * next request once it is compiled, and `changed` is emitted so the hub can tell clients whose
 * lists changed.
 */
export class PolicyEngine extends EventEmitter<{ changed: [] }> {
  private readonly files: PolicyFiles;
  private readonly logger: Logger;
  private current: CedarPolicySet = CedarPolicySet.denyAll();
  /** The sources of the policy in force (undefined while every request is denied). */
  private sources?: PolicySource[];
  private schema?: SchemaJson<string>;
  private version = 0;
  private denyAllReason?: string = 'not started';
  private readonly configured: boolean;
  private refusal?: string[];
  private reloading = Promise.resolve();

  constructor(options: PolicyEngineOptions) {
    super();
    this.logger = options.logger;
    this.files = new PolicyFiles(options.files, () => void this.reload(), options.settleMs);
    this.configured = options.files.length > 0;
    if (!this.configured) this.denyAllReason = 'no policy files configured';
  }

  /**
   * Reads the policy and starts watching its files. At start the inventory is usually still
   * empty, so a policy that parses but does not validate against the schema yet is applied, with
   * the validation errors logged as warnings; edits later must validate.
   */
  async start(): Promise<void> {
    if (!this.configured) {
      this.logger.error('no policy files configured: every request is denied');
      return;
    }
    await this.files.watch();
    await this.load('start');
  }

  stop(): void {
    this.files.close();
  }

  get state(): PolicyState {
    if (this.denyAllReason !== undefined) return { status: 'deny_all', reason: this.denyAllReason };
    return { status: 'loaded', version: this.version, policies: this.current.size };
  }

  /** The errors of the last refused edit, until a good one is applied. */
  get lastRefusal(): readonly string[] | undefined {
    return this.refusal;
  }

  /** Whether `principal` may do `action` on `target` with `args`; `needsApproval` marks calls to hold (#14). */
  decide(principal: PolicyPrincipal, action: PolicyAction, target: PolicyTarget, args?: Record<string, unknown>): PolicyDecision {
    const decision = this.current.decide(principal, action, target, args);
    if (decision.errors.length > 0) this.logger.warn({ principal: principal.id, action, errors: decision.errors }, 'policy evaluation failed: request denied');
    return decision;
  }

  /** Whether `target` shows in `principal`'s lists: some arguments could be allowed. */
  visible(principal: PolicyPrincipal, action: PolicyAction, target: PolicyTarget): boolean {
    return this.current.mayAllow(principal, action, target);
  }

  /**
   * The live manifests changed: regenerates the schema later edits are validated against, and
   * warns when the policy in force no longer validates (a rule names an argument no live tool has).
   */
  updateSchema(sources: SchemaSources): void {
    this.schema = generateCedarSchema(sources);
    if (this.sources === undefined || this.denyAllReason !== undefined) return;
    const check = CedarPolicySet.compile(this.sources, this.schema);
    if (!check.ok) this.logger.warn({ errors: check.errors }, 'the policy in force does not validate against the live manifests (it stays in force)');
  }

  /** Reloads the files now (the watcher calls this); resolves when the reload is done. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.load('edit'));
    return this.reloading;
  }

  private async load(cause: 'start' | 'edit'): Promise<void> {
    let sources: PolicySource[];
    try {
      sources = await this.files.read();
    } catch (error) {
      return this.refuse(cause, [(error as Error).message]);
    }
    if (this.denyAllReason === undefined && sameSources(sources, this.sources)) {
      // The files are back to the policy in force (a refused edit undone): nothing is refused any more.
      this.refusal = undefined;
      return;
    }
    let compiled = CedarPolicySet.compile(sources, this.schema);
    if (!compiled.ok && cause === 'start') {
      const parsed = CedarPolicySet.compile(sources, undefined);
      if (parsed.ok) this.logger.warn({ errors: compiled.errors }, 'policy applied although it does not validate against the manifests known at start');
      compiled = parsed;
    }
    if (!compiled.ok) return this.refuse(cause, compiled.errors);
    this.current = compiled.policySet;
    this.sources = sources;
    this.version++;
    this.denyAllReason = undefined;
    this.refusal = undefined;
    if (compiled.policySet.warnings.length > 0) this.logger.warn({ warnings: compiled.policySet.warnings }, 'policy validation warnings');
    this.logger.info({ version: this.version, policies: compiled.policySet.size, files: sources.map((s) => s.name) }, 'policy in force');
    this.emit('changed');
  }

  private refuse(cause: 'start' | 'edit', errors: string[]): void {
    this.refusal = errors;
    if (cause === 'start' || this.denyAllReason !== undefined) {
      this.denyAllReason = errors.join('; ');
      this.logger.error({ errors }, 'no valid policy: every request is denied until the policy is fixed');
      return;
    }
    this.logger.error({ errors, version: this.version }, 'policy edit refused; the last good policy stays in force');
  }
}

function sameSources(a: readonly PolicySource[], b: readonly PolicySource[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((source, i) => source.name === b[i]!.name && source.text === b[i]!.text);
}
