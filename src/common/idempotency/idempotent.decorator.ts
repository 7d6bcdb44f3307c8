import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems } from '../swagger/api-problems.decorator';
import { IdempotencyErrors } from './idempotency.errors';

export const IDEMPOTENT_KEY = 'spendin:idempotent';

/**
 * Marks a create route as honouring `Idempotency-Key`: the same key and body from the same
 * user within 24 h replays the first answer; see IdempotencyInterceptor.
 */
export function Idempotent() {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Any unique string (1-255 characters), e.g. a UUID. Retrying with the same key and body within 24 h replays the first answer instead of creating twice.',
      example: '4f1c7a52-5d0e-4bb1-9c0e-2f6a1d3b8e77',
    }),
    ApiProblems(
      [IdempotencyErrors.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request body'],
      [IdempotencyErrors.IDEMPOTENCY_REQUEST_IN_PROGRESS, 'The first request with this Idempotency-Key is still running; retry shortly'],
      [IdempotencyErrors.INVALID_IDEMPOTENCY_KEY, 'Idempotency-Key must be 1 to 255 printable characters'],
    ),
  );
}
