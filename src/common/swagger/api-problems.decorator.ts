import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { CommonErrors } from '../errors/common.errors';
import { ErrorFactory } from '../errors/domain-error';
import { ProblemExample, problemResponse } from './problem.schema';

/**
 * Documents the problems a route can answer, grouped by status, one example per code:
 * `@ApiProblems(UserErrors.USER_NOT_FOUND, [UserErrors.EMAIL_TAKEN, 'a@acme.test is already in use'])`.
 */
export function ApiProblems(...errors: Array<ErrorFactory | readonly [ErrorFactory, string]>) {
  const byStatus = new Map<number, ProblemExample[]>();
  for (const entry of errors) {
    const [factory, detail] = typeof entry === 'function' ? [entry, entry.title] : entry;
    const list = byStatus.get(factory.status) ?? [];
    list.push({ status: factory.status, code: factory.code, title: factory.title, detail });
    byStatus.set(factory.status, list);
  }
  return applyDecorators(...[...byStatus.values()].map((examples) => ApiResponse(problemResponse(examples))));
}

/** 422 with per-field errors, and 400 for malformed JSON or a wrong content type. */
export function ApiValidation() {
  return ApiProblems(
    [CommonErrors.VALIDATION_FAILED, '1 field failed validation'],
    [CommonErrors.MALFORMED_JSON, 'The request body is not valid JSON'],
    [CommonErrors.UNSUPPORTED_CONTENT_TYPE, 'Content-Type text/plain is not accepted here; send application/json'],
  );
}

/** 422 for a path id that is not a UUID, on routes that take no body. */
export function ApiInvalidId(name = 'id') {
  return ApiProblems([CommonErrors.VALIDATION_FAILED, `Path parameter ${name} must be a UUID`]);
}
