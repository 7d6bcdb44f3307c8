import { createServer, Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { ServiceUnavailableException } from '@nestjs/common';
import { Readiness } from './readiness';

/**
 * The worker serves no API; for its orchestrator (compose, Kubernetes) it answers
 * `GET /health` (the process runs) and `GET /health/ready` (the same report as the API's: the
 * database, Redis and the receipts bucket) on WORKER_HEALTH_PORT. Nothing else is served.
 */
export async function startWorkerHealthServer(readiness: Readiness, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    };
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return answer(405, { status: 'error', message: 'Only GET' });
    if (path === '/health') return answer(200, { status: 'ok' });
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
