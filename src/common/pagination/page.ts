import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { CommonErrors } from '../errors/common.errors';
import { namedSchema } from '../swagger/named-schemas';

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

/** What each position of a cursor's key must be; checked so that a forged cursor is a 422, never a SQL error. */
export type CursorPart = 'string' | 'number' | 'uuid' | 'date' | 'timestamp';

const CURSOR_PART_CHECKS: Record<CursorPart, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string' && v.length <= 1000,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  uuid: (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  // Date.parse accepts 2026-02-30; PostgreSQL does not. Only a value that round-trips is real.
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && roundTrips(`${v}T00:00:00.000Z`),
  timestamp: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && roundTrips(v),
};

function roundTrips(iso: string): boolean {
  const time = Date.parse(iso);
  return !Number.isNaN(time) && new Date(time).toISOString() === iso;
}

export function decodeCursor(cursor: string, shape: CursorPart[]): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => !CURSOR_PART_CHECKS[shape[i]](v))) {
    throw CommonErrors.INVALID_CURSOR('The cursor is not one this API issued; start again without it');
  }
  return key.map(String);
}

/** Wraps one page of rows; `next_cursor` is the last row's key when more rows may follow. */
export function toPage<T>(
  items: T[],
  total: number,
  query: { limit: number; offset: number; cursor?: string },
  keyOf: (last: T) => Array<string | number>,
): Page<T> {
  const last = items.at(-1);
  const more = items.length === query.limit && (query.cursor !== undefined || query.offset + items.length < total);
  return { total, items, next_cursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/**
 * Documents a `Page<item>` 200 answer as a named envelope: `SpendResponseDto` pages are a
 * `SpendPage` (the DTO's name without `ResponseDto` or `Dto`).
 */
export function ApiPageResponse(item: Type<unknown>, description: string) {
  const envelope = `${item.name.replace(/(Response)?Dto$/, '')}Page`;
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description,
      schema: namedSchema(envelope, {
        type: 'object',
        description:
          'One page of a list: `total` counts every match of the filter, `next_cursor` continues after the last item',
        required: ['total', 'items', 'next_cursor'],
        properties: {
          total: { type: 'integer', minimum: 0, example: 1 },
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          next_cursor: { type: 'string', nullable: true, example: null },
        },
      }),
    }),
  );
}
