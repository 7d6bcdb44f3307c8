/**
 * What the modules below `operators` know of the installation's operator (docs/operator.md),
 * so that they can name one without importing that module.
 */

/** The `iss` of an operator's access token: how a bearer credential is told apart as one. */
export const OPERATOR_TOKEN_ISSUER = 'spendin:operator';

/** The operator behind a request to an /operator route, passed to the use cases it calls. */
export interface OperatorActor {
  operatorId: string;
  email: string;
  requestId?: string;
  ip?: string;
}

/**
 * Checks an operator's e-mail and password (throttled like a login) for the queue board's HTTP
 * Basic prompt. Provided by the operators module; the board's guard asks it when the user name
 * is not the board's own.
 */
export abstract class OperatorPasswords {
  abstract check(email: string, password: string, ip: string): Promise<boolean>;
}
