import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { CommonErrors } from '../errors/common.errors';

const ACCEPTS_KEY = 'spendin:accepts-content-type';

/** Marks a route whose body is not JSON (e.g. `multipart/form-data` uploads). */
export const AcceptsContentType = (mediaType: string) => SetMetadata(ACCEPTS_KEY, mediaType);

/**
 * A body in a content type the route does not read would otherwise be ignored and answered
 * as a confusing validation failure; this refuses it with 400 up front, as docs/api.md asks.
 */
@Injectable()
export class ContentTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (hasBody(request)) {
      const accepted =
        this.reflector.getAllAndOverride<string>(ACCEPTS_KEY, [context.getHandler(), context.getClass()]) ??
        'application/json';
      const sent = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!matches(sent, accepted)) {
        throw CommonErrors.UNSUPPORTED_CONTENT_TYPE(
          sent === ''
            ? `A request body needs Content-Type: ${accepted}`
            : `Content-Type ${sent} is not accepted here; send ${accepted}`,
        );
      }
    }
    return next.handle();
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function matches(sent: string, accepted: string): boolean {
  if (accepted === 'application/json')
    return sent === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(sent);
  return sent === accepted;
}
