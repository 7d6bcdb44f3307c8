import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { RateLimitBucket } from '../../config/http-settings';
import { CommonErrors } from '../errors/common.errors';
import { ApiProblems } from '../swagger/api-problems.decorator';

export const RATE_LIMIT_BUCKET_KEY = 'spendin:rate-limit-bucket';

/**
 * Counts the route's requests in a stricter bucket too (RATE_LIMIT_<BUCKET>_PER_MINUTE), besides
 * the general limit every /api/v1 route has, and documents the 429 it may answer.
 */
export const RateLimited = (bucket: Exclude<RateLimitBucket, 'general'>) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_BUCKET_KEY, bucket),
    ApiProblems([CommonErrors.RATE_LIMITED, `Too many ${bucket} requests; try again in 42 seconds`]),
  );
