/**
 * The path every API route is served under (`/api/v1/...`; health and the queue board stand
 * outside it). Here, below the modules, so that a mapper writing a link and the HTTP setup
 * (app.setup.ts) read the same constant.
 */
export const API_PREFIX = 'api/v1';
