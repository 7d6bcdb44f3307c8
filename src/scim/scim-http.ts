import {
  applyDecorators,
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiExtension, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { ErrorFactory } from '../common/errors/domain-error';
import { ScimErrorDto } from './dto/scim-resources.dto';
import { SCIM_CONTENT_TYPE, scimErrorBody, ScimErrors } from './scim.errors';

/** The API key scope every SCIM route needs. */
export const SCIM_SCOPE = 'scim';

/**
 * SCIM is for an identity provider holding an organization API key with the `scim` scope, never
 * for a person: a user's access token is refused (401), whatever their role. The key's scope is
 * judged before this, by the global scope check.
 */
@Injectable()
export class ScimCallerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<Request>().user as
      (AuthenticatedUser & { scopes?: readonly string[] }) | undefined;
    if ((user?.via as string | undefined) !== 'api_key')
      throw CommonErrors.INVALID_TOKEN(
        "SCIM takes an organization API key with the scim scope (Authorization: Bearer sk_live_…), not a user's access token",
      );
    if (!(user?.scopes ?? []).includes(SCIM_SCOPE))
      throw CommonErrors.INSUFFICIENT_PERMISSIONS('This API key lacks the scim scope');
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

/** What every SCIM controller carries: the tag, the key's scheme and scope, the media type, the guards. */
export function ScimRoutes() {
  return applyDecorators(
    ApiTags('SCIM'),
    ApiBearerAuth('apiKey'),
    ApiExtension('x-required-scope', SCIM_SCOPE),
    ApiConsumes(SCIM_CONTENT_TYPE, 'application/json'),
    ApiProduces(SCIM_CONTENT_TYPE),
    UseGuards(ScimCallerGuard),
    UseInterceptors(ScimMediaType),
  );
}

export { ScimErrorDto, ScimErrors };
