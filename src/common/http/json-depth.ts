import type { NextFunction, Request, Response } from 'express';
import { CommonErrors } from '../errors/common.errors';

/** No request of this API nests deeper than a policy's rules; 32 leaves ample room. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses a parsed JSON body nested deeper than MAX_JSON_DEPTH, before validation walks it
 * recursively: a 5,000-level body is a few kilobytes that would otherwise exhaust the stack.
 */
export function rejectDeepJson(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== null && typeof req.body === 'object' && depthExceeds(req.body, MAX_JSON_DEPTH)) {
    next(CommonErrors.MALFORMED_JSON(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  next();
}

/** Iterative, so that measuring a hostile body cannot overflow the stack either. */
function depthExceeds(root: object, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Object.values(value as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
