import { Injectable } from '@nestjs/common';
import { passwordProblem } from '../common/auth/password.validators';
import { CommonErrors } from '../common/errors/common.errors';
import { PasswordHasher } from '../users/password-hasher';
import { OperatorErrors } from './operators.errors';
import { Operator, OperatorsRepository } from './operators.repository';

/**
 * The operator accounts, as the CLI manages them (`npm run cli -- operator …`): there is no
 * HTTP route that creates, changes or lists an operator, so no organization's credential, and
 * no operator's token either, can make one.
 */
@Injectable()
export class OperatorAccounts {
  constructor(
    private readonly operators: OperatorsRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(emailInput: string, password: string): Promise<Operator> {
    const email = normalized(emailInput);
    const hash = await this.hasher.hash(acceptable(password, email));
    const created = await this.operators.insert(email, hash);
    if (!created) throw OperatorErrors.OPERATOR_EXISTS(`An operator with e-mail ${email} exists`);
    return created;
  }

  list(): Promise<Operator[]> {
    return this.operators.list();
  }

  /** Ends every token of the operator at once; the account stays, inactive, until activated again. */
  async setActive(emailInput: string, active: boolean): Promise<Operator> {
    const email = normalized(emailInput);
    return found(email, await this.operators.setActive(email, active));
  }

  /** A new password; every token of the operator ends at once. */
  async resetPassword(emailInput: string, password: string): Promise<Operator> {
    const email = normalized(emailInput);
    const hash = await this.hasher.hash(acceptable(password, email));
    return found(email, await this.operators.setPassword(email, hash));
  }
}

function normalized(email: string): string {
  const address = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) {
    throw CommonErrors.VALIDATION_FAILED('The e-mail address is not valid', {
      errors: [{ field: 'email', message: 'must be an e-mail address' }],
    });
  }
  return address;
}

function acceptable(password: string, email: string): string {
  const problem = passwordProblem(password, email);
  if (problem) {
    throw CommonErrors.VALIDATION_FAILED(`The password ${problem}`, {
      errors: [{ field: 'password', message: problem }],
    });
  }
  return password;
}

function found(email: string, operator: Operator | null): Operator {
  if (!operator) throw OperatorErrors.OPERATOR_NOT_FOUND(`There is no operator with e-mail ${email}`);
  return operator;
}
