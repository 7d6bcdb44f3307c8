import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { IS_PUBLIC_KEY } from '../common/auth/decorators';
import type { OperatorActor } from '../common/auth/operator';
import { CommonErrors } from '../common/errors/common.errors';
import { ApiProblems } from '../common/swagger/api-problems.decorator';
import { OperatorGuard } from './operator.guard';
import { OperatorErrors } from './operators.errors';

/** Marks an operator route in the OpenAPI document (and for the authorization-matrix test). */
export const OPERATOR_ONLY_EXTENSION = 'x-operator-only';

/**
 * The installation operator's routes. The organization guards (bearer, password change, role)
 * stand aside, as for a public route, and OperatorGuard alone decides: an operator's token,
 * nothing else. Documents the `operator` security scheme and the 401/403 answers.
 */
export function OperatorOnly() {
  return applyDecorators(
    SetMetadata(IS_PUBLIC_KEY, true),
    UseGuards(OperatorGuard),
    ApiBearerAuth('operator'),
    ApiExtension(OPERATOR_ONLY_EXTENSION, true),
    ApiProblems(
      [CommonErrors.AUTHENTICATION_REQUIRED, "An operator's bearer token is required"],
      [CommonErrors.INVALID_TOKEN, 'The operator token is invalid or has been revoked'],
      [CommonErrors.TOKEN_EXPIRED, 'The operator token has expired; log in again'],
      [
        OperatorErrors.OPERATOR_ONLY,
        "This route is for the installation's operator; an organization's credential does not open it",
      ],
    ),
  );
}

/** The operator behind the request, as OperatorGuard put them on it. */
export const CurrentOperator = createParamDecorator((_: unknown, context: ExecutionContext): OperatorActor => {
  const request = context.switchToHttp().getRequest<Request>();
  return { ...request.operator!, requestId: String(request.id), ip: request.ip };
});
