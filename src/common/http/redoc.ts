import { readFileSync } from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** ReDoc's browser bundle, from the `redoc` package: served by the API, never from a CDN (offline installs, the CSP). */
const BUNDLE = require.resolve('redoc/bundles/redoc.standalone.js');
export const REDOC_PATH = '/redoc';
export const REDOC_BUNDLE_PATH = `${REDOC_PATH}/redoc.standalone.js`;

/** Whether a request is for ReDoc's page or bundle (the only routes whose CSP lets workers start from blob: URLs). */
export const isRedocPath = (path: string) => path === REDOC_PATH || path.startsWith(`${REDOC_PATH}/`);

/**
 * The directives ReDoc needs beyond the API's CSP: its search index runs in a Web Worker the
 * bundle starts from a blob: URL, and it styles itself with inline styles (styled-components).
 */
export const REDOC_CSP_DIRECTIVES = {
  'script-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
};

/** The page: the bundle renders the OpenAPI document at `specUrl` into the <redoc> element, no inline script. */
export function redocPage(specUrl: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
  </head>
  <body>
    <redoc spec-url="${specUrl}"></redoc>
    <script src="${REDOC_BUNDLE_PATH}"></script>
  </body>
</html>
`;
}

/** GET /redoc (the page) and GET /redoc/redoc.standalone.js (the bundle, cached a day). */
export function redocRoutes(specUrl: string, title: string): RequestHandler {
  const page = redocPage(specUrl, title);
  let bundle: Buffer | undefined;
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path === REDOC_PATH || request.path === `${REDOC_PATH}/`) {
      response.type('html').send(page);
      return;
    }
    if (request.path === REDOC_BUNDLE_PATH) {
      bundle ??= readFileSync(BUNDLE);
      response.setHeader('Cache-Control', 'public, max-age=86400');
      response.type('application/javascript').send(bundle);
      return;
    }
    next();
  };
}
