import { Body, PipeTransform } from '@nestjs/common';
import { CommonErrors } from '../errors/common.errors';

/**
 * For a POST that takes no body (enrolling an authenticator app): a body sent anyway is refused
 * (422 VALIDATION_FAILED), as unknown fields are everywhere else, instead of being ignored. No
 * body, or `{}`, passes.
 */
class RefuseBody implements PipeTransform {
  transform(value: unknown): undefined {
    const empty =
      value === undefined ||
      (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
    if (!empty) {
      throw CommonErrors.VALIDATION_FAILED('1 field failed validation', {
        errors: [{ field: 'body', message: 'this request takes no body' }],
      });
    }
    return undefined;
  }
}

/**
 * The parameter decorator of such a route. The OpenAPI document names no request body for it
 * (the route's description says it takes none).
 */
export const NoBody = () => Body(new RefuseBody());
