import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems } from '../swagger/api-problems.decorator';
import { IdempotencyErrors } from './idempotency.errors';

export const IDEMPOTENT_KEY = 'spendin:idempotent';

export interface IdempotentOptions {
  /**
   * Top-level fields of the request body and of the answer that hold a secret (a signing
   * secret shown once). The stored answer has them replaced by null, so a replay never carries
   * one (it says which with `Idempotent-Redacted`), and the request's fingerprint is keyed, so
   * that it is no way to try guesses at the secret either.
   */
  secretFields?: readonly string[];
}

/** The response header of a replay whose answer had secret fields taken out. */
export const REDACTED_HEADER = 'Idempotent-Redacted';

/**
 * Marks a create route as honouring `Idempotency-Key`: the same key and body from the same
 * user within 24 h replays the first answer; see IdempotencyInterceptor.
 */
export function Idempotent(options: IdempotentOptions = {}) {
  const secrets = options.secretFields ?? [];
  return applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, { secretFields: secrets } satisfies IdempotentOptions),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (1-255 characters), e.g. a UUID. Retrying with the same key and body within 24 h replays the first answer instead of creating twice.' +
        (secrets.length > 0
          ? ` A replay carries ${secrets.map((f) => `\`${f}\``).join(', ')} as null, with \`${REDACTED_HEADER}: ${secrets.join(', ')}\`: secrets are never stored to be replayed.`
          : ''),
      example: '4f1c7a52-5d0e-4bb1-9c0e-2f6a1d3b8e77',
    }),
    ApiProblems(
      [IdempotencyErrors.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request body'],
      [
        IdempotencyErrors.IDEMPOTENCY_REQUEST_IN_PROGRESS,
        'The first request with this Idempotency-Key is still running; retry shortly',
      ],
      [IdempotencyErrors.INVALID_IDEMPOTENCY_KEY, 'Idempotency-Key must be 1 to 255 printable characters'],
    ),
  );
}
