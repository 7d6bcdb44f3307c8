import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CommonErrors } from './common.errors';
import { MAX_REPORTED_ERRORS } from './validation';
import { DomainError, ErrorFactory, problemTypeUri } from './domain-error';
import { ErrorFormats } from './error-formats';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Connection-level database failures: the database is down or restarting, not a bug. */
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/**
 * The one place where errors become HTTP answers: RFC 9457 problem details with a stable
 * `code` and the request id. Unexpected errors are logged with the request id and answered
 * as a bare 500; nothing internal (stack, SQL, paths) ever reaches the client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  /** Routes under a prefix a module registered (SCIM) answer its format instead of problem+json. */
  constructor(private readonly formats: ErrorFormats) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const error = this.toDomainError(exception, request);
    if (error.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id, code: error.code }, 'request failed');
    }
    (this.formats.writerFor(request) ?? writeProblem)(response, error, String(request.id ?? ''));
  }

  private toDomainError(exception: unknown, request: Request): DomainError {
    if (exception instanceof DomainError) return exception;
    // Express' body parser errors arrive wrapped in an HttpException, the original as `cause`.
    const bodyParserError = ((exception as { cause?: unknown })?.cause ?? exception) as { type?: string };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return CommonErrors.MALFORMED_JSON('The request body is not valid JSON');
    }
    if (bodyParserError?.type === 'entity.too.large') {
      return CommonErrors.PAYLOAD_TOO_LARGE('The request body exceeds the size limit');
    }
    if (bodyParserError?.type === 'encoding.unsupported' || bodyParserError?.type === 'charset.unsupported') {
      return CommonErrors.UNSUPPORTED_CONTENT_TYPE('The request body encoding is not supported');
    }
    if (exception instanceof HttpException) return fromHttpException(exception, request);
    if (rejectedValue(exception)) {
      // The handler's own validation should have caught it; the database's constraints did.
      this.logger.warn(
        { err: exception, requestId: request.id },
        'a value passed validation but broke a database constraint',
      );
      return CommonErrors.VALIDATION_FAILED('A value is out of the range Spendin accepts');
    }
    if (concurrentUpdate(exception)) {
      // Two transactions locked the same rows in opposite orders, or a serializable read went stale:
      // PostgreSQL rolled this one back whole, so the request can simply be sent again.
      this.logger.warn({ err: exception, requestId: request.id }, 'a transaction lost a race and was rolled back');
      return CommonErrors.CONCURRENT_UPDATE(
        'Another request changed the same records at the same moment; nothing was saved: send the request again',
        { headers: { 'Retry-After': '1' } },
      );
    }
    if (databaseUnavailable(exception)) {
      return CommonErrors.SERVICE_UNAVAILABLE('The database is unavailable; retry shortly', {
        headers: { 'Retry-After': '5' },
      });
    }
    return CommonErrors.INTERNAL_ERROR('An unexpected error occurred; quote the request id when reporting it');
  }
}

/**
 * The database is down, restarting or out of connections: pg's own errors, or TypeORM's
 * QueryFailedError around them (the original as `driverError`). A query whose connection the
 * server cut ("Connection terminated unexpectedly") carries no code at all.
 */
function databaseUnavailable(exception: unknown): boolean {
  const errors = [exception, (exception as { driverError?: unknown })?.driverError];
  return errors.some((error) => {
    const { code, message, name, syscall } = (error ?? {}) as {
      code?: string;
      message?: string;
      name?: string;
      syscall?: string;
    };
    return (
      (code !== undefined && DATABASE_UNAVAILABLE_CODES.has(code)) ||
      (message !== undefined && UNAVAILABLE_MESSAGES.has(message)) ||
      (name !== undefined && UNAVAILABLE_ERROR_NAMES.has(name)) ||
      // Over a Unix socket (the embedded default) a stopped server is a missing socket file or a broken pipe.
      (code !== undefined && SOCKET_GONE_CODES.has(code) && (syscall === 'connect' || syscall === 'write'))
    );
  });
}

/** PostgreSQL aborted the transaction to resolve a deadlock (40P01) or a serialization failure (40001). */
function concurrentUpdate(exception: unknown): boolean {
  const code = ((exception as { driverError?: { code?: string } })?.driverError ?? (exception as { code?: string }))
    ?.code;
  return code === '40P01' || code === '40001';
}

/** A CHECK constraint or a numeric range refused a value: bad input that got past validation, not an outage. */
function rejectedValue(exception: unknown): boolean {
  const code = ((exception as { driverError?: { code?: string } })?.driverError ?? (exception as { code?: string }))
    ?.code;
  return code === '23514' || code === '22003';
}

/** TypeORM's, when the connection under a transaction died and its rollback found it gone. */
const UNAVAILABLE_ERROR_NAMES = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);
const SOCKET_GONE_CODES = new Set(['ENOENT', 'EPIPE']);
const UNAVAILABLE_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  'Connection terminated',
]);

const HTTP_STATUS_ERRORS: Partial<Record<number, ErrorFactory>> = {
  [HttpStatus.BAD_REQUEST]: CommonErrors.BAD_REQUEST,
  [HttpStatus.UNAUTHORIZED]: CommonErrors.AUTHENTICATION_REQUIRED,
  [HttpStatus.FORBIDDEN]: CommonErrors.INSUFFICIENT_PERMISSIONS,
  [HttpStatus.NOT_FOUND]: CommonErrors.ROUTE_NOT_FOUND,
  [HttpStatus.METHOD_NOT_ALLOWED]: CommonErrors.METHOD_NOT_ALLOWED,
  [HttpStatus.PAYLOAD_TOO_LARGE]: CommonErrors.PAYLOAD_TOO_LARGE,
  [HttpStatus.TOO_MANY_REQUESTS]: CommonErrors.RATE_LIMITED,
  [HttpStatus.SERVICE_UNAVAILABLE]: CommonErrors.SERVICE_UNAVAILABLE,
};

function fromHttpException(exception: HttpException, request: Request): DomainError {
  const status = exception.getStatus();
  const factory = HTTP_STATUS_ERRORS[status];
  if (status === HttpStatus.NOT_FOUND) {
    return CommonErrors.ROUTE_NOT_FOUND(`No route for ${request.method} ${request.path}`);
  }
  if (status === HttpStatus.SERVICE_UNAVAILABLE) {
    // Health checks answer 503 with the state of each dependency; keep it for operators.
    const checks = exception.getResponse();
    return CommonErrors.SERVICE_UNAVAILABLE(
      'A dependency is unavailable',
      typeof checks === 'object' ? { body: { checks } } : {},
    );
  }
  if (factory) return factory(exception.message);
  return CommonErrors.INTERNAL_ERROR('An unexpected error occurred; quote the request id when reporting it');
}

export function writeProblem(response: Response, error: DomainError, requestId: string): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body: Record<string, unknown> = {
    type: problemTypeUri(error.code),
    title: error.kind.title,
    status: error.status,
    detail: error.detail ?? error.kind.title,
    code: error.code,
    // Whoever raised it, a problem lists at most MAX_REPORTED_ERRORS fields (the detail says how many failed).
    ...(error.extras.errors ? { errors: error.extras.errors.slice(0, MAX_REPORTED_ERRORS) } : {}),
    ...(error.extras.body ?? {}),
    request_id: requestId,
  };
  for (const [name, value] of Object.entries(error.extras.headers ?? {})) response.setHeader(name, value);
  response.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
