import type { NextFunction, Request, Response } from 'express';
import { Metrics, UNMATCHED_ROUTE } from './metrics';

/**
 * The route label of a finished request: the template of the route that answered it
 * (`/api/v1/spends/:id`), never the URL itself (one series per spend would exhaust
 * Prometheus). A request no route answered (/docs' static files, a path outside every route)
 * gets UNMATCHED_ROUTE, and so does a 404 from a catch-all (Nest answers unknown paths under
 * /api/v1 from `/api/v1*path`).
 */
export function routeLabel(request: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }, status: number): string {
  const path = request.route?.path;
  if (typeof path !== 'string' || (status === 404 && path.includes('*'))) return UNMATCHED_ROUTE;
  return `${request.baseUrl ?? ''}${path}`;
}

/** Express middleware timing every request to its end, labelled by route template, method and status. */
export function recordHttpMetrics(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe(
        {
          route: routeLabel(request, response.statusCode),
          method: request.method,
          status: String(response.statusCode),
        },
        seconds,
      );
    });
    next();
  };
}
