import type { NextFunction, Request, Response } from 'express';
import { Metrics, UNMATCHED_ROUTE } from './metrics';

/**
 * The route label of a finished request: the template of the route that answered it
 * (`/api/v1/spends/:id`), never the URL itself (one series per spend would exhaust
 * Prometheus); a request no route answered (a 404, /docs' static files) gets UNMATCHED_ROUTE.
 */
export function routeLabel(request: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const path = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

/** Express middleware timing every request to its end, labelled by route template, method and status. */
export function recordHttpMetrics(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe(
        { route: routeLabel(request), method: request.method, status: String(response.statusCode) },
        seconds,
      );
    });
    next();
  };
}
