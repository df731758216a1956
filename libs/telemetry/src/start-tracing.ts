import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { enableTracing } from './trace-context';
import { tracingRequested } from './tracing-requested';

/**
 * Starts the OpenTelemetry SDK with an OTLP/HTTP exporter (configured by the standard `OTEL_*`
 * variables) and the instrumentations of what the hub and connectors call: inbound and outbound
 * HTTP (`http`, and `undici` for `fetch`), PostgreSQL (`pg`) and MySQL (`mysql2`). Must run before
 * those modules are loaded, hence from `bin/mcp-hub` before the CLI. Returns a shutdown that
 * flushes the spans still buffered; undefined when tracing is not requested.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): (() => Promise<void>) | undefined {
  if (!tracingRequested(env)) return undefined;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      // Probes and scrapes would be most of the spans and say nothing.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? '') }),
      new UndiciInstrumentation(),
      new PgInstrumentation(),
      new MySQL2Instrumentation(),
    ],
  });
  sdk.start();
  const flush = () => sdk.shutdown();
  enableTracing(flush);
  return flush;
}
