/**
 * Optional OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (in the
 * environment or in `.env`). Off, nothing of the SDK is loaded: the packages are required
 * only inside `startTracing`. On, it exports spans over OTLP/HTTP (the SDK reads the standard
 * OTEL_* variables itself) for HTTP requests (server and client), PostgreSQL queries and Redis
 * commands. It must run before `http`, `pg` and `ioredis` are first required, so src/main.ts
 * and src/worker.ts import their `register-*` module first.
 *
 * No request bodies, headers or SQL parameter values become span attributes: the HTTP
 * instrumentation records no headers unless told to, and pg's statement text is
 * parameterized (values are never captured: `enhancedDatabaseReporting` stays off).
 */
import { withDotEnv } from '../../config/env-file';

/** What a running SDK needs from us: flushing its spans on shutdown. */
interface TracingHandle {
  shutdown(): Promise<void>;
}

let running: TracingHandle | undefined;

/** Whether tracing is asked for: an OTLP endpoint is set. */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/** The service name spans carry: OTEL_SERVICE_NAME, or the process's own. */
export function serviceName(env: NodeJS.ProcessEnv, fallback: string): string {
  return env.OTEL_SERVICE_NAME?.trim() || fallback;
}

/** Starts the SDK when tracing is asked for; answers whether it started. */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let merged: NodeJS.ProcessEnv;
  try {
    merged = withDotEnv(env);
  } catch {
    // A broken .env is reported by the configuration, which reads it next.
    merged = env;
  }
  if (running || !tracingWanted(merged)) return false;
  // The SDK reads its settings from process.env; those from .env count too.
  for (const [name, value] of Object.entries(merged)) {
    if (name.startsWith('OTEL_') && process.env[name] === undefined) process.env[name] = value;
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: serviceName(merged, defaultServiceName),
    traceExporter: new OTLPTraceExporter(),
    // Only what we trace; no metrics or logs exporters (metrics are /metrics, prom-client).
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Health probes and scrapes would drown the requests that matter.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)(\/|\?|$)/.test(request.url ?? ''),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  running = sdk;
  return true;
}

/** Flushes the spans not yet exported and stops the SDK; nothing when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const sdk = running;
  running = undefined;
  await sdk?.shutdown().catch((error: Error) => process.stderr.write(`tracing: shutdown failed: ${error.message}\n`));
}
