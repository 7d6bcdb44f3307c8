import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { OPERATOR_TOKEN_ISSUER, OperatorActor } from '../common/auth/operator';
import { CommonErrors } from '../common/errors/common.errors';
import { Credentials, unverifiedIssuer } from '../auth/credentials/credentials';
import { OperatorAuth } from './operator-auth';
import { OperatorErrors } from './operators.errors';

/**
 * The gate of every `@OperatorOnly()` route: an operator's bearer token and nothing else.
 * No credential is 401; an organization's credential that is valid is 403 OPERATOR_ONLY (an
 * admin's included: no role of an organization reaches the installation's tools); one that is
 * not is the 401 that Credentials gives it.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    private readonly auth: OperatorAuth,
    private readonly credentials: Credentials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization;
    if (!header)
      throw CommonErrors.AUTHENTICATION_REQUIRED("This endpoint needs Authorization: Bearer <operator's access_token>");
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw CommonErrors.INVALID_TOKEN('The Authorization header must be "Bearer <credential>"');
    if (unverifiedIssuer(match[1]) === OPERATOR_TOKEN_ISSUER) {
      request.operator = await this.auth.authenticate(match[1]);
      return true;
    }
    await this.credentials.authenticate(match[1]);
    throw OperatorErrors.OPERATOR_ONLY(
      "This route is for the installation's operator (POST /operator/auth/login); an organization's credential does not open it",
    );
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types the request through this namespace
  namespace Express {
    interface Request {
      /** The operator, set by OperatorGuard on every `@OperatorOnly()` route. */
      operator?: Omit<OperatorActor, 'requestId' | 'ip'>;
    }
  }
}
