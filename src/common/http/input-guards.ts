import type { NextFunction, Request, Response } from 'express';
import { CommonErrors } from '../errors/common.errors';
import type { FieldError } from '../errors/domain-error';

/** No request of this API nests deeper than a policy's rules; 32 leaves ample room. */
export const MAX_JSON_DEPTH = 32;
/** No DTO has more than a few dozen fields; unknown fields beyond this are not worth reading one by one. */
export const MAX_FIELDS_PER_OBJECT = 200;
/**
 * Fields and array items in one body or query string, all levels together. The largest real
 * body (100 policy rules, or 100 identity events) has a few thousand; 60,000 unknown fields in
 * 650 KB once kept validation busy for 8 s of CPU.
 */
export const MAX_JSON_NODES = 10_000;

/**
 * Refuses input no handler should ever see, before validation walks it:
 * - a JSON body nested deeper than MAX_JSON_DEPTH (a 5,000-level body is a few kilobytes that
 *   would exhaust the stack of anything recursive) → 400 MALFORMED_JSON;
 * - more than MAX_FIELDS_PER_OBJECT fields in one object, or MAX_JSON_NODES fields and items in
 *   all (work for the validator out of all proportion to the request) → 413 PAYLOAD_TOO_LARGE;
 * - text PostgreSQL cannot store, in the body or the query string: NUL characters and lone
 *   UTF-16 surrogates (not Unicode at all) → 422 VALIDATION_FAILED naming the field.
 */
export function guardInput(req: Request, _res: Response, next: NextFunction): void {
  const errors: FieldError[] = [];
  for (const [source, root] of [
    ['', req.body],
    ['', req.query],
  ] as const) {
    if (root === null || typeof root !== 'object') {
      if (typeof root === 'string' && !storable(root)) errors.push({ field: 'body', message: UNSTORABLE });
      continue;
    }
    const stack: Array<[unknown, string, number]> = [[root, source, 1]];
    let nodes = 0;
    while (stack.length > 0 && errors.length < 10) {
      const [value, path, depth] = stack.pop()!;
      if (depth > MAX_JSON_DEPTH) {
        next(CommonErrors.MALFORMED_JSON(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`));
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      nodes += entries.length;
      if ((!Array.isArray(value) && entries.length > MAX_FIELDS_PER_OBJECT) || nodes > MAX_JSON_NODES) {
        next(
          CommonErrors.PAYLOAD_TOO_LARGE(
            Array.isArray(value) || nodes > MAX_JSON_NODES
              ? `The request holds more than ${MAX_JSON_NODES} fields and items`
              : `${path || 'The request body'} has more than ${MAX_FIELDS_PER_OBJECT} fields`,
          ),
        );
        return;
      }
      for (const [key, child] of entries) {
        const field = path ? `${path}.${key}` : key;
        if (!storable(key)) errors.push({ field: path || 'body', message: UNSTORABLE });
        if (typeof child === 'string' && !storable(child)) errors.push({ field, message: UNSTORABLE });
        else if (child !== null && typeof child === 'object') stack.push([child, field, depth + 1]);
      }
    }
  }
  if (errors.length > 0) {
    next(CommonErrors.VALIDATION_FAILED('The request contains text that is not storable', { errors }));
    return;
  }
  next();
}

const UNSTORABLE = 'must not contain NUL characters or unpaired surrogates';

function storable(text: string): boolean {
  return !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();
}
