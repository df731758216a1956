import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Bus, BusStatus } from '@mcp-hub/bus';
import type { Inventory } from '../inventory/inventory';
import type { DefinitionKind } from '../pinning/pin-store';
import type { QuarantineReason } from '../pinning/definition-pins';
import type { ManifestRefusal } from '../inventory/manifest-signatures';

/** What the hub forwards to a connector (the `operation` label). */
export type HubOperation = 'tool_call' | 'resource_read' | 'prompt_get';

/**
 * How a call ended (the `outcome` label): `ok`; `tool_error` (the connector answered with an
 * error, or the hub refused the arguments); `busy` (every replica tried was at capacity); a
 * hub-local kind (`timeout`, `unavailable`, `cancelled`, `replica_lost`, `contract_violation`);
 * a client error (`invalid_params`, `resource_not_found`); `policy_denied` (the policy refused
 * these arguments of a visible tool); `rate_limited`; `approval_pending` (held for a person's
 * approval: the pending result was returned) or `approval_denied`; or `internal` (a hub bug, or
 * the approval store failing).
 */
export type CallOutcome =
  | 'ok'
  | 'tool_error'
  | 'busy'
  | 'timeout'
  | 'unavailable'
  | 'cancelled'
  | 'replica_lost'
  | 'contract_violation'
  | 'too_large'
  | 'invalid_params'
  | 'resource_not_found'
  | 'policy_denied'
  | 'rate_limited'
  | 'approval_pending'
  | 'approval_denied'
  | 'internal';

/** Where an error was decided (the `source` label of `mcphub_errors_total`). */
export type ErrorSource = 'connector' | 'hub' | 'client';

/** Label value for a connector or tool that is not in the live inventory. */
export const UNKNOWN_LABEL = 'unknown';

const BUS_STATUSES: readonly BusStatus[] = ['connected', 'disconnected', 'closed'];

/** What the hub's gauges read at scrape time. */
export interface HubMetricsSource {
  inventory: Inventory;
  bus: Bus;
  readonly callsInFlight: number;
}

/** What the pending-approvals gauge reads at scrape time (the shared store: every replica reports the same count). */
export interface ApprovalsMetricsSource {
  countPending(): Promise<number>;
}

/** What the HTTP front's gauges read at scrape time. */
export interface FrontMetricsSource {
  /** 2025-era sessions held by this replica. */
  era2025Sessions(): number;
  /** 2026-era `subscriptions/listen` streams open on this replica. */
  era2026ListenStreams(): number;
}

/**
 * The hub's Prometheus metrics, in a registry of its own (not prom-client's global one, so two
 * hubs in one process, as in the tests, do not mix). Every name starts with `mcphub_`.
 *
 * Labels carry only bounded values: connector and tool names as the live inventory has them
 * (callers pass {@link UNKNOWN_LABEL} otherwise), and the fixed enums above. Never an argument,
 * a principal or a URI.
 */
export class HubMetrics {
  readonly registry = new Registry();
  private hub?: HubMetricsSource;
  private front?: FrontMetricsSource;
  private approvals?: ApprovalsMetricsSource;
  private readonly calls: Counter<'connector' | 'operation' | 'tool' | 'outcome'>;
  private readonly duration: Histogram<'connector' | 'operation' | 'outcome'>;
  private readonly errors: Counter<'source' | 'kind'>;
  private readonly busyResends: Counter<'connector'>;
  private readonly quarantines: Counter<'kind' | 'reason'>;
  private readonly auditRecords: Counter<'result'>;
  private readonly manifestRefusals: Counter<'connector' | 'reason'>;

  constructor() {
    const registers = [this.registry];
    this.calls = new Counter({
      name: 'mcphub_calls_total',
      help: 'Calls forwarded to connectors, by connector, operation, tool (empty unless a tool call) and outcome.',
      labelNames: ['connector', 'operation', 'tool', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'mcphub_call_duration_seconds',
      help: 'Time from the hub receiving a call to its answer, by connector, operation and outcome.',
      labelNames: ['connector', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.errors = new Counter({
      name: 'mcphub_errors_total',
      help: 'Failed calls by where the error was decided (connector, hub, client) and its kind.',
      labelNames: ['source', 'kind'],
      registers,
    });
    this.busyResends = new Counter({
      name: 'mcphub_busy_resends_total',
      help: 'Calls sent again to the queue group after a replica refused them as busy.',
      labelNames: ['connector'],
      registers,
    });
    this.quarantines = new Counter({
      name: 'mcphub_definitions_quarantined_total',
      help: 'Tool, prompt, resource and template definitions held until an operator approves them, by kind and reason (changed, flagged).',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.auditRecords = new Counter({
      name: 'mcphub_audit_records_total',
      help: 'Audit records by result: written to the chain, failed (a write to retry), dropped (lost: queue full, or unwritten at shutdown).',
      labelNames: ['result'],
      registers,
    });
    this.manifestRefusals = new Counter({
      name: 'mcphub_manifests_refused_total',
      help: 'Connector announcements refused for their signature (unsigned, malformed_signature, bad_signature, no_key), by connector (unknown when it has no configured key).',
      labelNames: ['connector', 'reason'],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'mcphub_calls_in_flight',
      help: 'Calls, reads and prompt requests sent to connectors and waiting for their reply.',
      registers,
      collect() {
        if (metrics.hub) this.set(metrics.hub.callsInFlight);
      },
    });
    new Gauge({
      name: 'mcphub_connectors',
      help: 'Connectors with at least one live replica.',
      registers,
      collect() {
        if (metrics.hub) this.set(metrics.hub.inventory.connectorIds().length);
      },
    });
    new Gauge({
      name: 'mcphub_connector_replicas',
      help: 'Live replicas per connector.',
      labelNames: ['connector'],
      registers,
      collect() {
        if (!metrics.hub) return;
        // Reset first: a connector gone since the last scrape must leave no stale series.
        this.reset();
        for (const id of metrics.hub.inventory.connectorIds()) this.set({ connector: id }, metrics.hub.inventory.replicaCount(id));
      },
    });
    new Gauge({
      name: 'mcphub_bus_status',
      help: 'The bus connection state: 1 for the current status, 0 for the others.',
      labelNames: ['status'],
      registers,
      collect() {
        if (!metrics.hub) return;
        for (const status of BUS_STATUSES) this.set({ status }, metrics.hub.bus.status === status ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mcphub_approvals_pending',
      help: 'Calls waiting for a person to approve or deny them, not expired (in the store shared by every replica).',
      registers,
      async collect() {
        if (!metrics.approvals) return;
        // A store that does not answer leaves the last value: a scrape must not fail on it.
        const count = await metrics.approvals.countPending().catch(() => undefined);
        if (count !== undefined) this.set(count);
      },
    });
    new Gauge({
      name: 'mcphub_sessions',
      help: 'Open sessions by protocol era: 2025-era sessions, and 2026-era subscriptions/listen streams.',
      labelNames: ['era'],
      registers,
      collect() {
        if (!metrics.front) return;
        this.set({ era: '2025' }, metrics.front.era2025Sessions());
        this.set({ era: '2026' }, metrics.front.era2026ListenStreams());
      },
    });
  }

  /** Where the call, inventory and bus gauges read from (the hub calls it once). */
  watchHub(source: HubMetricsSource): void {
    this.hub = source;
  }

  /** Where the pending-approvals gauge reads from (the hub calls it when it holds calls for approval). */
  watchApprovals(source: ApprovalsMetricsSource): void {
    this.approvals = source;
  }

  /** Where the session gauges read from (the HTTP front calls it once). */
  watchFront(source: FrontMetricsSource): void {
    this.front = source;
  }

  /**
   * Records one finished call. `tool` is the qualified tool name for tool calls, `''` otherwise.
   * @param seconds time from receiving the call to its answer
   */
  recordCall(connector: string, operation: HubOperation, tool: string, outcome: CallOutcome, seconds: number): void {
    this.calls.inc({ connector, operation, tool, outcome });
    this.duration.observe({ connector, operation, outcome }, seconds);
  }

  /** Records one failed call's error; `kind` is a contract `ErrorKind`, a hub-local kind or a client error kind. */
  recordError(source: ErrorSource, kind: string): void {
    this.errors.inc({ source, kind });
  }

  /** Records one re-send of a call a replica refused as busy. */
  recordBusyResend(connector: string): void {
    this.busyResends.inc({ connector });
  }

  /** Records one definition newly held by tool pinning (its definition changed, or the description scanner flagged it). */
  recordQuarantine(kind: DefinitionKind, reason: QuarantineReason): void {
    this.quarantines.inc({ kind, reason });
  }

  /** Counts `n` audit records written, failed (to be retried) or dropped. */
  recordAuditRecords(result: 'written' | 'failed' | 'dropped', n: number): void {
    this.auditRecords.inc({ result }, n);
  }

  /**
   * Records one announcement refused for its signature. `connector` must be bounded: a connector
   * id with a configured key, else {@link UNKNOWN_LABEL} (any bus client can claim any id).
   */
  recordManifestRefusal(connector: string, reason: ManifestRefusal): void {
    this.manifestRefusals.inc({ connector, reason });
  }

  /** The Prometheus text exposition of every metric, for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
