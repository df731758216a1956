import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes } from '@opentelemetry/api';

/**
 * Tracing on the call path, costing one boolean test when tracing is off (the default): nothing
 * below touches the OpenTelemetry API until {@link enableTracing} ran, which `startTracing` does
 * once the SDK is up. The trace context crosses NATS in the contract's `traceparent` field.
 */
interface TracingState {
  enabled: boolean;
  shutdown?: () => Promise<void>;
}

/**
 * Kept on `globalThis`, as the OpenTelemetry API keeps its providers: the compiled runtime's
 * bundles (`start-tracing` and `cli`) each carry a copy of this module, and the copy that turns
 * tracing on must be the one the call path reads.
 */
const STATE_KEY = Symbol.for('mcp-hub.telemetry.tracing-state');
const state = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= { enabled: false }) as TracingState;

/** Turns the call-path spans on; `flush` (the SDK's shutdown) runs in {@link shutdownTracing}. */
export function enableTracing(flush?: () => Promise<void>): void {
  state.enabled = true;
  state.shutdown = flush;
}

/** Sends the spans still buffered; the process calls it on its way out. Harmless without tracing. */
export async function shutdownTracing(): Promise<void> {
  await state.shutdown?.().catch(() => undefined);
}

export function tracingEnabled(): boolean {
  return state.enabled;
}

const tracer = () => trace.getTracer('mcp-hub');

/**
 * Runs `work` in a new span made current (so spans of instrumented libraries below it, an HTTP
 * request or a SQL query, become its children). `parent`: a W3C traceparent from another process;
 * without one the span continues the current context. The span ends with `work`, marked as an
 * error when `work` throws or `isError` says so of the result. Without tracing, just `work()`.
 */
export function inSpan<T>(name: string, kind: 'server' | 'client' | 'internal', attributes: Attributes, work: () => Promise<T>, parent?: string, isError?: (result: T) => boolean): Promise<T> {
  if (!state.enabled) return work();
  const parentContext = parent === undefined ? context.active() : propagation.extract(ROOT_CONTEXT, { traceparent: parent });
  const spanKind = kind === 'server' ? SpanKind.SERVER : kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
  return tracer().startActiveSpan(name, { kind: spanKind, attributes }, parentContext, async (span) => {
    try {
      const result = await work();
      if (isError?.(result)) span.setStatus({ code: SpanStatusCode.ERROR });
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The W3C traceparent of the current span, to send along a request; undefined without tracing or a span. */
export function currentTraceparent(): string | undefined {
  if (!state.enabled) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
