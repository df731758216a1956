import type { Logger } from 'pino';
import {
  APPROVAL_META_KEY,
  ElicitResultSchema,
  type ElicitParams,
  type Principal,
  type ToolAnnotations,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import type { ClientChannel } from '../invocation/client-channel';
import type { Progress } from '../invocation/bus-invoker';
import { argumentsHash } from './arguments-hash';
import { argumentsSummary } from './arguments-summary';
import type { ApprovalSettings } from './approval-settings';
import type { ApprovalReason, ApprovalRecord, ApprovalStore } from './approval-store';

/** One call about to run, as the gate sees it. */
export interface GatedCall {
  principal: Principal;
  /** The qualified tool name clients see. */
  tool: string;
  connector: string;
  annotations: ToolAnnotations;
  args: Record<string, unknown>;
  /** The policy's permit carries `@approval`. */
  policyRequires: boolean;
  /** What the call's taint is recorded under (see {@link ApprovalGate.noteUntrusted}); none: the call is not tainted. */
  taintScope?: string;
  client?: ClientChannel;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * What the gate decided: run the call (`approvalId`: the approval it consumed, if one was
 * needed), or answer with `result` instead (pending, denied, or the store failed).
 */
export type GateOutcome =
  | { run: true; approvalId?: string }
  | { run: false; result: ToolResult; outcome: 'approval_pending' | 'approval_denied' | 'internal'; approvalId?: string };

export interface ApprovalGateOptions {
  store: ApprovalStore;
  settings: ApprovalSettings;
  logger: Logger;
  /** The clock, ms since the epoch (tests move it). */
  now?: () => number;
}

/** Who approved in band: the person at the client of this principal. */
const IN_BAND = 'in-band';

const DECISION_FIELD = 'decision';

/**
 * Holds calls that need a person's approval (issue 14, part 1) and taints sessions that read
 * untrusted content (part 5). An approval is bound to principal, tool and the SHA-256 of the
 * canonical arguments, is consumed by one call, and expires; see
 * docs/decisions/0007-approvals.md for how the call waits or returns.
 */
export class ApprovalGate {
  private readonly now: () => number;
  /** Scopes known tainted here, with until when: spares the store a read on every write. */
  private readonly tainted = new Map<string, number>();

  constructor(private readonly options: ApprovalGateOptions) {
    this.now = options.now ?? Date.now;
  }

  get store(): ApprovalStore {
    return this.options.store;
  }

  /** Decides whether `call` runs now; may wait for a person (in band, or out of band up to `waitSeconds`). */
  async check(call: GatedCall): Promise<GateOutcome> {
    try {
      const reason = await this.reasonFor(call);
      if (!reason) return { run: true };
      return await this.hold(call, reason);
    } catch (error) {
      if (call.signal?.aborted) throw error;
      this.options.logger.error({ err: error, tool: call.tool }, 'approval store failed: the call did not run');
      return { run: false, outcome: 'internal', result: errorResult('The hub could not check the approval this call needs, so it did not run it. Try again later.') };
    }
  }

  /**
   * Records that `scope` received content marked untrusted (`source` names it): open-world
   * writes there need an approval for `taint.ttlMinutes`. Off with `taint.enabled: false`.
   */
  async noteUntrusted(scope: string | undefined, source: string): Promise<void> {
    const { settings, store, logger } = this.options;
    if (!scope || !settings.enabled || !settings.taint.enabled) return;
    const now = this.now();
    const known = this.tainted.get(scope);
    // Refresh at most once a minute: a session reading many tickets writes once.
    if (known !== undefined && known - now > settings.taint.ttlMinutes * 60_000 - 60_000) return;
    const until = now + settings.taint.ttlMinutes * 60_000;
    this.tainted.set(scope, until);
    try {
      await store.taint(scope, source, now, until);
      logger.info({ scope: scope.slice(0, 16), source }, 'session tainted by untrusted content: open-world writes need approval');
    } catch (error) {
      // Known here still: this replica holds the session's writes until the taint expires.
      logger.warn({ err: error }, 'session taint could not be stored');
    }
  }

  /** Pending requests, for the CLI and the admin API. */
  pending(): Promise<ApprovalRecord[]> {
    return this.options.store.pending(this.now());
  }

  countPending(): Promise<number> {
    return this.options.store.countPending(this.now());
  }

  /** Approves or denies a pending request (the admin API, the CLI); undefined when no such request is pending. */
  decide(id: string, decision: 'approved' | 'denied', by: string): Promise<ApprovalRecord | undefined> {
    return this.options.store.decide(id, decision, by, this.now(), this.ttlMs);
  }

  private get ttlMs(): number {
    return this.options.settings.ttlMinutes * 60_000;
  }

  private async reasonFor(call: GatedCall): Promise<ApprovalReason | undefined> {
    const { settings } = this.options;
    if (call.policyRequires) return 'policy';
    if (!settings.enabled) return undefined;
    const { destructiveHint, openWorldHint, readOnlyHint } = call.annotations;
    if (destructiveHint && settings.requireFor.includes('destructive')) return 'destructive';
    const openWorldWrite = openWorldHint && !readOnlyHint;
    if (openWorldWrite && settings.requireFor.includes('open_world_write')) return 'open_world_write';
    if (openWorldWrite && settings.taint.enabled && call.taintScope && (await this.isTainted(call.taintScope))) return 'tainted_session';
    return undefined;
  }

  private async isTainted(scope: string): Promise<boolean> {
    const now = this.now();
    const known = this.tainted.get(scope);
    if (known !== undefined && known > now) return true;
    // Another replica may have seen the untrusted content.
    return this.options.store.isTainted(scope, now);
  }

  private async hold(call: GatedCall, reason: ApprovalReason): Promise<GateOutcome> {
    const { store, logger } = this.options;
    const hash = argumentsHash(call.args);
    const consumed = await store.consume(call.principal.id, call.tool, hash, this.now());
    if (consumed) {
      logger.info({ approvalId: consumed.id, tool: call.tool, principal: call.principal.id, reason }, 'approval consumed');
      return { run: true, approvalId: consumed.id };
    }
    const record = await store.open({ principalId: call.principal.id, tool: call.tool, argumentsHash: hash, summary: argumentsSummary(call.args), reason }, this.now(), this.ttlMs);
    if (record.status === 'denied') return denied(record);
    logger.info({ approvalId: record.id, tool: call.tool, principal: call.principal.id, reason }, 'call held for approval');
    const inBand = this.options.settings.inBand && call.client?.capabilities.includes('elicitation');
    const decided = inBand ? await this.askInBand(call, record) : await this.waitOutOfBand(call, record);
    if (decided?.status === 'denied') return denied(decided);
    if (decided?.status === 'approved') {
      const approval = await store.consume(call.principal.id, call.tool, hash, this.now());
      if (approval) return { run: true, approvalId: approval.id };
    }
    return pending(record);
  }

  /**
   * Asks the person at the client through MCP elicitation (a 2026 client gets it as an
   * `input_required` round: the channel hides the difference). An answer records the decision;
   * a dismissed or failed question leaves the request pending, to be decided out of band.
   */
  private async askInBand(call: GatedCall, record: ApprovalRecord): Promise<ApprovalRecord | undefined> {
    const { settings, store, logger } = this.options;
    const controller = new AbortController();
    const abort = () => controller.abort();
    call.signal?.addEventListener('abort', abort, { once: true });
    try {
      const answer = await call.client!.send(
        { method: 'elicitation/create', params: elicitation(call, record) },
        { signal: controller.signal, timeoutMs: settings.elicitTimeoutSeconds * 1000 },
      );
      const parsed = ElicitResultSchema.safeParse(answer);
      if (!parsed.success || parsed.data.action === 'cancel') return undefined;
      const approve = parsed.data.action === 'accept' && parsed.data.content?.[DECISION_FIELD] === 'approve';
      return await store.decide(record.id, approve ? 'approved' : 'denied', `${IN_BAND}:${call.principal.id}`, this.now(), this.ttlMs);
    } catch (error) {
      if (call.signal?.aborted) throw error;
      logger.info({ err: error, approvalId: record.id }, 'approval question not answered in band: left pending');
      return undefined;
    } finally {
      call.signal?.removeEventListener('abort', abort);
    }
  }

  /**
   * Waits for a decision made elsewhere (CLI, admin API, another replica), polling the store,
   * only when the client can see that the call is alive (it sent a progressToken), and at most
   * `waitSeconds`. Undefined when still pending.
   */
  private async waitOutOfBand(call: GatedCall, record: ApprovalRecord): Promise<ApprovalRecord | undefined> {
    const { settings, store } = this.options;
    if (!call.onProgress || settings.waitSeconds === 0) return undefined;
    const started = this.now();
    const until = Math.min(started + settings.waitSeconds * 1000, record.expiresAt);
    let lastProgress = 0;
    while (this.now() < until) {
      if (this.now() - lastProgress >= 1000) {
        lastProgress = this.now();
        call.onProgress({ progress: Math.round((lastProgress - started) / 1000), message: `Waiting for a person to approve this call (approval ${record.id}).` });
      }
      await sleep(settings.pollMs, call.signal);
      const current = await store.get(record.id);
      if (current && current.status !== 'pending') return current;
    }
    return undefined;
  }
}

function elicitation(call: GatedCall, record: ApprovalRecord): ElicitParams {
  const message = [
    `Approve this call? It runs only once, with exactly these arguments.`,
    `Tool: ${call.tool} (connector ${call.connector})`,
    `Why: ${REASONS[record.reason]}`,
    `Arguments:`,
    record.summary,
  ].join('\n');
  return {
    mode: 'form',
    message: message.length > 3900 ? `${message.slice(0, 3900)}\n… (cut)` : message,
    requestedSchema: {
      type: 'object',
      properties: {
        [DECISION_FIELD]: { type: 'string', title: 'Decision', description: 'approve runs the call once; deny refuses it', enum: ['approve', 'deny'] },
      },
      required: [DECISION_FIELD],
    },
  };
}

const REASONS: Record<ApprovalReason, string> = {
  policy: "the hub's policy requires approval for this call",
  destructive: 'the tool is destructive',
  open_world_write: 'the tool writes outside (sends, posts or changes something others see)',
  tainted_session: 'this session has read third-party content, and the tool writes outside',
};

function pending(record: ApprovalRecord): GateOutcome {
  const minutes = Math.max(1, Math.round((record.expiresAt - Date.now()) / 60_000));
  const text =
    `This call needs a person's approval before it runs (${REASONS[record.reason]}). Approval id: ${record.id}. ` +
    `Ask the user to approve it (mcp-hub approvals approve ${record.id}, or the hub's admin page) within ${minutes} min, ` +
    'then call the tool again with exactly the same arguments. Changed arguments need a new approval.';
  return { run: false, outcome: 'approval_pending', approvalId: record.id, result: { ...errorResult(text), _meta: { [APPROVAL_META_KEY]: { id: record.id, status: 'pending', expiresAt: record.expiresAt } } } };
}

function denied(record: ApprovalRecord): GateOutcome {
  const text = `A person denied this call (approval ${record.id}), so the hub did not run it. Do not retry it unchanged; ask the user what to do instead.`;
  return { run: false, outcome: 'approval_denied', approvalId: record.id, result: { ...errorResult(text), _meta: { [APPROVAL_META_KEY]: { id: record.id, status: 'denied', expiresAt: record.expiresAt } } } };
}

function errorResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('the call was cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('the call was cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
