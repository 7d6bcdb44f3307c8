import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Runs before everything else (body parsing included). Reuses a sane client-sent `X-Request-Id`, otherwise mints one, and echoes it on the response. */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const sent = req.headers['x-request-id'];
  const id = typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
}
