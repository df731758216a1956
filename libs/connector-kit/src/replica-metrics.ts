import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Bus } from '@mcp-hub/bus';

/** What a replica's gauges read at scrape time. */
export interface ReplicaMetricsSource {
  readonly inFlight: number;
  readonly refusedBusy: number;
}

/**
 * One connector replica's Prometheus metrics, in a registry of its own (a process may run several
 * replicas, embedded). Labels are bounded: the connector id, the tool name from the manifest (or
 * the operation: `resources/read`, `prompts/get`, `completion/complete`, `resources/subscribe`),
 * and the reply's error kind from the contract's closed list. Never an argument or a principal.
 */
export class ReplicaMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'tool' | 'outcome'>;
  private readonly duration: Histogram<'tool'>;
  private lastBusy = 0;

  constructor(connectorId: string, source: ReplicaMetricsSource, bus: Bus) {
    this.registry.setDefaultLabels({ connector: connectorId });
    collectDefaultMetrics({ register: this.registry, prefix: 'mcphub_connector_' });
    this.calls = new Counter({ name: 'mcphub_connector_calls_total', help: 'Requests this replica answered, by tool (or operation) and outcome (ok or the error kind).', labelNames: ['tool', 'outcome'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'mcphub_connector_call_duration_seconds',
      help: 'Time from the start of a handler to its reply, by tool (or operation).',
      labelNames: ['tool'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    new Gauge({ name: 'mcphub_connector_calls_in_flight', help: 'Requests running on this replica now.', registers: [this.registry], collect() { this.set(source.inFlight); } });
    const metrics = this;
    new Counter({
      name: 'mcphub_connector_busy_refusals_total',
      help: 'Calls refused as busy (at the concurrency limit with a full wait line); the hub re-sends them to another replica.',
      registers: [this.registry],
      collect() {
        this.inc(source.refusedBusy - metrics.lastBusy);
        metrics.lastBusy = source.refusedBusy;
      },
    });
    new Gauge({ name: 'mcphub_connector_bus_connected', help: '1 while this replica is connected to NATS.', registers: [this.registry], collect() { this.set(bus.status === 'connected' ? 1 : 0); } });
  }

  /** Records one answered request. */
  observe(tool: string, outcome: string, seconds: number): void {
    this.calls.inc({ tool, outcome });
    this.duration.observe({ tool }, seconds);
  }
}
