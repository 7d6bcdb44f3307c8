import { readFileSync } from 'node:fs';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, registerDecorator, ValidationArguments } from 'class-validator';
import { CommonErrors } from '../errors/common.errors';

/** Every password a person sets (an admin for a user, the user themselves, the first admin). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export const COMMON_PASSWORD_MESSAGE = 'is too common: it is on the list of passwords that attackers try first';
export const EMAIL_IN_PASSWORD_MESSAGE = 'must not contain the name of the e-mail address (the part before @)';

let common: Set<string> | undefined;

/**
 * The 49,233 most common passwords of leaked password sets, as ranked by zxcvbn (Dropbox's
 * password-strength estimator), shipped in `@zxcvbn-ts/language-common` (MIT). Read once, on
 * first use, lower-cased.
 */
function commonPasswords(): Set<string> {
  if (!common) {
    const list = JSON.parse(
      readFileSync(require.resolve('@zxcvbn-ts/language-common/src/passwords.json'), 'utf8'),
    ) as string[];
    common = new Set(list.map((entry) => entry.toLowerCase()));
  }
  return common;
}

/**
 * Whether the password is one attackers guess first, ignoring case: on the list itself; a list
 * entry with only digits and symbols around it ("Password2024!", "!!iloveyou!!"); or one short
 * or listed unit repeated ("abcabcabcabc", "passwordpassword"). With 12 characters at least,
 * the list alone would catch little: most of its entries are shorter.
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length > 0 && core.length < lower.length && (list.has(core) || core.length < 4)) return true;
  const unit = /^(.{1,16}?)\1+$/u.exec(lower)?.[1];
  return unit !== undefined && (unit.length <= 3 || list.has(unit));
}

/**
 * What is wrong with a new password, or null: the one rule wherever a password is set. The
 * e-mail's local part (3 characters or more) must not appear in it, ignoring case.
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
    return `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
  const local = email?.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && password.toLowerCase().includes(local)) return EMAIL_IN_PASSWORD_MESSAGE;
  if (isCommonPassword(password)) return COMMON_PASSWORD_MESSAGE;
  return null;
}

/**
 * The rule with the user's own e-mail, where the DTO carries none (an admin's PATCH, a password
 * change): 422 naming the field, as the validation pipe would.
 */
export function assertAcceptablePassword(password: string, email: string, field: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw CommonErrors.VALIDATION_FAILED(`${field} ${problem}`, { errors: [{ field, message: problem }] });
}

/**
 * The rule for a new password on every DTO that sets one: 12 to 256 characters, not a common
 * password, and (when the DTO also carries an `email`) not containing the e-mail's local part.
 * Where the e-mail is not in the DTO (a password change), the service applies `passwordProblem`
 * with the stored e-mail.
 */
export function IsNewPassword() {
  return applyDecorators(
    IsString(),
    Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
      message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
    }),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isAcceptablePassword',
        target: target.constructor,
        propertyName: String(propertyName),
        validator: {
          validate: (value: unknown, args: ValidationArguments) => {
            if (typeof value !== 'string' || value.length < PASSWORD_MIN_LENGTH || value.length > PASSWORD_MAX_LENGTH)
              return true;
            const email = (args.object as { email?: unknown }).email;
            return passwordProblem(value, typeof email === 'string' ? email : undefined) === null;
          },
          defaultMessage: (args: ValidationArguments) => {
            const email = (args.object as { email?: unknown }).email;
            return (
              passwordProblem(String(args.value), typeof email === 'string' ? email : undefined) ??
              'is not an acceptable password'
            );
          },
        },
      }),
  );
}
