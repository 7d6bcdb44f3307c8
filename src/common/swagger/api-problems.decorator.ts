import { ApiResponse } from '@nestjs/swagger';
import { CommonErrors } from '../errors/common.errors';
import { ErrorFactory } from '../errors/domain-error';
import { ProblemExample, problemResponse } from './problem.schema';

/** Where @nestjs/swagger keeps an operation's responses (its DECORATORS.API_RESPONSE). */
const RESPONSES_METADATA = 'swagger/apiResponse';

type ResponseEntry = {
  content?: Record<string, { examples?: Record<string, { summary?: string; value?: { title?: string } }> }>;
};

/**
 * Documents the problems a route can answer, grouped by status, one example per code:
 * `@ApiProblems(UserErrors.USER_NOT_FOUND, [UserErrors.EMAIL_TAKEN, 'a@acme.test is already in use'])`.
 * Several decorators may name problems of one status (@Authenticated, @Idempotent,
 * @ApiValidation and the route's own): their examples are merged into one response, where
 * @nestjs/swagger would let the last one replace the others.
 */
export function ApiProblems(...errors: Array<ErrorFactory | readonly [ErrorFactory, string]>) {
  const byStatus = new Map<number, ProblemExample[]>();
  for (const entry of errors) {
    const [factory, detail] = typeof entry === 'function' ? [entry, entry.title] : entry;
    const list = byStatus.get(factory.status) ?? [];
    list.push({ status: factory.status, code: factory.code, title: factory.title, detail });
    byStatus.set(factory.status, list);
  }
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    for (const [status, examples] of byStatus) {
      const { [status]: earlier, ...others } = (Reflect.getMetadata(RESPONSES_METADATA, holder) ?? {}) as Record<
        string,
        ResponseEntry
      >;
      const kept = documentedProblems(status, earlier).filter((e) => !examples.some((n) => n.code === e.code));
      Reflect.defineMetadata(RESPONSES_METADATA, others, holder);
      ApiResponse(problemResponse([...kept, ...examples]))(target, key as string, descriptor as PropertyDescriptor);
    }
  };
}

/** The problem examples already documented for a status. */
function documentedProblems(status: number, entry: ResponseEntry | undefined): ProblemExample[] {
  const examples = entry?.content?.['application/problem+json']?.examples ?? {};
  return Object.entries(examples).map(([code, example]) => ({
    status,
    code,
    title: example.value?.title ?? code,
    detail: example.summary ?? '',
  }));
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
