import {
  applyDecorators,
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiExtension, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { AuthenticatedUser, REQUIRED_SCOPE_EXTENSION, REQUIRED_SCOPE_KEY } from '../common/auth/decorators';
import type { ApiKeyScope } from '../common/auth/scopes';
import { CommonErrors } from '../common/errors/common.errors';
import { ErrorFactory } from '../common/errors/domain-error';
import { ScimErrorDto } from './dto/scim-resources.dto';
import { SCIM_CONTENT_TYPE, scimErrorBody, ScimErrors } from './scim.errors';

/** The API key scope every SCIM route needs. */
export const SCIM_SCOPE: ApiKeyScope = 'scim';

/**
 * SCIM is for an identity provider holding an organization API key with the `scim` scope, never
 * for a person: a user's access token is refused (401), whatever their role. The key's scope was
 * judged before this guard runs, by the global ScopesGuard (403 INSUFFICIENT_SCOPE).
 */
@Injectable()
export class ScimCallerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<Request>().user as AuthenticatedUser | undefined;
    if (user?.via !== 'api_key')
      throw CommonErrors.INVALID_TOKEN(
        "SCIM takes an organization API key with the scim scope (Authorization: Bearer sk_live_…), not a user's access token",
      );
    return true;
  }
}

/**
 * SCIM's own media type, in and out (RFC 7644 §3.1, §8.1): a body must be
 * `application/scim+json` or `application/json` (a 400 invalidSyntax otherwise), and every
 * answer is `application/scim+json`.
 */
@Injectable()
export class ScimMediaType implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const sent = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && sent !== SCIM_CONTENT_TYPE && sent !== 'application/json')
      throw CommonErrors.UNSUPPORTED_CONTENT_TYPE(`Send Content-Type: ${SCIM_CONTENT_TYPE} (or application/json)`);
    http.getResponse<Response>().type(`${SCIM_CONTENT_TYPE}; charset=utf-8`);
    return next.handle();
  }
}

const UNAUTHENTICATED: Array<[ErrorFactory, string]> = [
  [CommonErrors.AUTHENTICATION_REQUIRED, 'This endpoint needs Authorization: Bearer <access_token>'],
  [CommonErrors.API_KEY_REVOKED, 'The API key sk_live_3f9a1c0b7d2e4f68 was revoked'],
  [CommonErrors.API_KEY_EXPIRED, 'The API key sk_live_3f9a1c0b7d2e4f68 expired at 2026-06-30T00:00:00.000Z'],
  [CommonErrors.API_KEY_CREATOR_INACTIVE, 'The admin who created this API key is no longer an active admin'],
  [
    CommonErrors.INVALID_TOKEN,
    "SCIM takes an organization API key with the scim scope (Authorization: Bearer sk_live_…), not a user's access token",
  ],
];
const FORBIDDEN: Array<[ErrorFactory, string]> = [
  [CommonErrors.INSUFFICIENT_PERMISSIONS, 'This API key lacks the scim scope'],
];

/**
 * Documents SCIM error answers: `application/scim+json` bodies of ScimErrorDto, one example per
 * error, as RFC 7644 §3.12 writes them (not problem+json).
 */
export function ApiScimErrors(...errors: Array<[ErrorFactory, string]>) {
  const byStatus = new Map<number, Array<[ErrorFactory, string]>>();
  for (const entry of [...UNAUTHENTICATED, ...FORBIDDEN, ...errors]) {
    const { status } = scimErrorBody(entry[0](entry[1]));
    byStatus.set(status, [...(byStatus.get(status) ?? []), entry]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, entries]) =>
      ApiResponse({
        status,
        description: entries.map(([f]) => f.title).join('; '),
        content: {
          [SCIM_CONTENT_TYPE]: {
            schema: { $ref: '#/components/schemas/ScimErrorDto' },
            examples: Object.fromEntries(
              entries.map(([factory, detail]) => [
                factory.code,
                { summary: detail, value: scimErrorBody(factory(detail)).body },
              ]),
            ),
          },
        },
      }),
    ),
  );
}

/**
 * What every SCIM controller carries: the tag, the API key scheme and its scope (judged by the
 * global ScopesGuard, like every route an API key may call), the media type, the caller guard.
 * Not `@Authenticated`: SCIM documents no bearer scheme for people, and errors in its own format.
 */
export function ScimRoutes() {
  return applyDecorators(
    ApiTags('SCIM'),
    SetMetadata(REQUIRED_SCOPE_KEY, SCIM_SCOPE),
    ApiBearerAuth('apiKey'),
    ApiExtension(REQUIRED_SCOPE_EXTENSION, SCIM_SCOPE),
    ApiConsumes(SCIM_CONTENT_TYPE, 'application/json'),
    ApiProduces(SCIM_CONTENT_TYPE),
    UseGuards(ScimCallerGuard),
    UseInterceptors(ScimMediaType),
  );
}

export { ScimErrorDto, ScimErrors };
