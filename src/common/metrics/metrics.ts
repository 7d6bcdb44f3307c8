import { Global, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Why a login was refused, as counted: never who tried (a user id or an e-mail is no label). */
export type LoginFailureKind = 'bad_password' | 'unknown_email' | 'inactive' | 'throttled';
/** What a webhook delivery attempt came to: delivered, to be tried again, or given up on. */
export type WebhookOutcome = 'succeeded' | 'retrying' | 'failed';

/** The route label of a request that matched no route: a fixed value, never the raw URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The process's Prometheus registry (prom-client): one per application, never prom-client's
 * global one, so that apps side by side in one process (the tests) count apart. Counters and
 * histograms are incremented where things happen; gauges of other modules' state (the pool,
 * the outbox, the queues) are set at scrape time by the health module's `MetricsScrape`.
 * Process metrics (memory, CPU, event-loop lag, handles) are prom-client's defaults, under
 * `spendin_process_…` and `spendin_nodejs_…`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'spendin_http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status, with their latency',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ocrDuration = new Histogram({
    name: 'spendin_ocr_duration_seconds',
    help: 'Receipt OCR runs by outcome (done, or the failure code), with their duration',
    labelNames: ['outcome'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'spendin_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome: succeeded, retrying (to be tried again) or failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly loginFailures = new Counter({
    name: 'spendin_login_failures_total',
    help: 'Refused logins by kind: bad_password, unknown_email, inactive, throttled',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly collectorUp = new Gauge({
    name: 'spendin_metrics_collector_up',
    help: 'Whether a scrape-time collector answered within its timeout at the last scrape (1) or not (0)',
    labelNames: ['collector'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'spendin_' });
  }

  loginFailed(kind: LoginFailureKind, count = 1): void {
    this.loginFailures.inc({ kind }, count);
  }

  ocrRan(outcome: string, seconds: number): void {
    this.ocrDuration.observe({ outcome }, seconds);
  }

  webhookAttempted(outcome: WebhookOutcome): void {
    this.webhookDeliveries.inc({ outcome });
  }
}

/** Global: any module counts what happens in it without importing this one. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
