import { createServer, Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { ServiceUnavailableException } from '@nestjs/common';
import { metricsAccess, MetricsSettings } from '../common/metrics/metrics-access';
import { METRICS_CHALLENGE } from './metrics.controller';
import { MetricsScrape } from './metrics-scrape';
import { Readiness } from './readiness';

/**
 * The worker serves no API; for its orchestrator (compose, Kubernetes) it answers
 * `GET /health` (the process runs) and `GET /health/ready` (the same report as the API's: the
 * database, Redis and the receipts bucket) on WORKER_HEALTH_PORT, and for its scraper
 * `GET /metrics` when METRICS_ENABLED=true (behind METRICS_TOKEN when set), as the API does.
 * Nothing else is served.
 */
export async function startWorkerHealthServer(
  readiness: Readiness,
  port: number,
  host: string,
  metrics?: { scrape: MetricsScrape; settings: MetricsSettings },
): Promise<Server> {
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
        .end(JSON.stringify(body));
    };
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return answer(405, { status: 'error', message: 'Only GET' });
    if (path === '/health') return answer(200, { status: 'ok' });
    if (path === '/metrics' && metrics) return serveMetrics(metrics, request.headers.authorization, response, answer);
    if (path !== '/health/ready')
      return answer(404, { status: 'error', message: 'Not found: the worker serves /health and /health/ready' });
    readiness.check().then(
      (result) => answer(200, result),
      (error: unknown) =>
        answer(503, error instanceof ServiceUnavailableException ? error.getResponse() : { status: 'error' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  new Logger('Worker').log(`Health on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/health/ready`);
  return server;
}

function serveMetrics(
  metrics: { scrape: MetricsScrape; settings: MetricsSettings },
  authorization: string | undefined,
  response: import('node:http').ServerResponse,
  answer: (status: number, body: unknown, headers?: Record<string, string>) => void,
): void {
  const access = metricsAccess(metrics.settings, authorization);
  if (access === 'not-found') return answer(404, { status: 'error', message: 'Not found: metrics are off' });
  if (access === 'unauthorized')
    return answer(
      401,
      { status: 'error', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' },
      { 'www-authenticate': METRICS_CHALLENGE },
    );
  metrics.scrape.text().then(
    (text) =>
      response.writeHead(200, { 'content-type': metrics.scrape.contentType, 'cache-control': 'no-store' }).end(text),
    (error: unknown) => answer(500, { status: 'error', message: `metrics failed: ${(error as Error).message}` }),
  );
}
