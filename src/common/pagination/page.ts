import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { CommonErrors } from '../errors/common.errors';

/** The wire shape of every list: `total` counts all matches of the filter, not just this page. */
export interface Page<T> {
  total: number;
  items: T[];
  next_cursor: string | null;
}

/**
 * Keyset cursors are the sort key of the last row of a page, opaque to clients. A cursor
 * that does not decode is the client's mistake (422), never a 500.
 */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, shape: Array<'string' | 'number'>): Array<string | number> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw CommonErrors.INVALID_CURSOR('The cursor is not one this API issued; start again without it');
  }
  return key as Array<string | number>;
}

/** Documents a `Page<item>` 200 answer with an example. */
export function ApiPageResponse(item: Type<unknown>, description: string) {
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['total', 'items', 'next_cursor'],
        properties: {
          total: { type: 'integer', example: 1 },
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          next_cursor: { type: 'string', nullable: true, example: null },
        },
      },
    }),
  );
}
