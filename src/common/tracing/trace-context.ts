import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * A trace carried across the outbox: the request's W3C `traceparent` is stored with the row it
 * writes, and the job made from the row runs in a span that continues that trace. Only the
 * OpenTelemetry API is used here (no SDK): with tracing off its propagator and tracer do
 * nothing, so no `traceparent` is stored and the job span costs nothing.
 */

const TRACE_PARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The `traceparent` of the active span (the request being served); null when there is none or tracing is off. */
export function currentTraceParent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return validTraceParent(carrier.traceparent);
}

/** `value` when it is a W3C traceparent (what the outbox keeps), else null. */
export function validTraceParent(value: unknown): string | null {
  return typeof value === 'string' && TRACE_PARENT.test(value) ? value : null;
}

/**
 * Runs a job in a span named `job <consumer>`, the child of the request that enqueued it when
 * `traceParent` is given (a new trace otherwise). The span fails with the job's error.
 */
export function inJobSpan<T>(
  consumer: string,
  job: { outboxId: string; topic: string; traceParent?: string | null },
  run: () => Promise<T>,
): Promise<T> {
  const traceParent = validTraceParent(job.traceParent);
  const parent = traceParent ? propagation.extract(ROOT_CONTEXT, { traceparent: traceParent }) : ROOT_CONTEXT;
  const attributes = {
    'spendin.job.consumer': consumer,
    'spendin.outbox.id': job.outboxId,
    'spendin.outbox.topic': job.topic,
  };
  return trace
    .getTracer('spendin-jobs')
    .startActiveSpan(`job ${consumer}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        throw error;
      } finally {
        span.end();
      }
    });
}
