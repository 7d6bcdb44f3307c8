import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  COMMON_PASSWORD_MESSAGE,
  EMAIL_IN_PASSWORD_MESSAGE,
  IsNewPassword,
  isCommonPassword,
  passwordProblem,
} from './password.validators';

describe('the password rule', () => {
  it('refuses passwords from the common list, ignoring case', () => {
    for (const password of [
      'password1234',
      'PASSWORD1234',
      '1q2w3e4r5t6y',
      'qwerty123456',
      'administrator',
      'passwordpassword',
    ]) {
      expect({ password, common: isCommonPassword(password) }).toEqual({ password, common: true });
    }
  });

  it('refuses a listed word with only digits and symbols around it, and a short unit repeated', () => {
    for (const password of [
      'Dragon2024!!!',
      '!!iloveyou!!',
      'monkey123456',
      'abcabcabcabc',
      'aaaaaaaaaaaa',
      '121212121212',
    ]) {
      expect({ password, common: isCommonPassword(password) }).toEqual({ password, common: true });
    }
  });

  it('accepts passphrases that are long and not on the list', () => {
    for (const password of [
      'correct-horse-battery-staple',
      'a-walkthrough-password',
      'Lantern river 42 tangerine',
      'dragon-fly-over-the-moon',
    ]) {
      expect({ password, problem: passwordProblem(password, 'jane.doe@acme.test') }).toEqual({
        password,
        problem: null,
      });
    }
  });

  it("refuses a password that contains the e-mail's local part, ignoring case", () => {
    expect(passwordProblem('Jane.Doe-is-my-name', 'jane.doe@acme.test')).toBe(EMAIL_IN_PASSWORD_MESSAGE);
    expect(passwordProblem('jane.doe@acme', 'JANE.DOE@acme.test')).toBe(EMAIL_IN_PASSWORD_MESSAGE);
    // A local part of one or two characters would refuse half the dictionary: it is not looked for.
    expect(passwordProblem('a-long-quiet-evening', 'al@acme.test')).toBeNull();
  });

  it('keeps 12 to 256 characters', () => {
    expect(passwordProblem('short-one', undefined)).toBe('must be 12 to 256 characters');
    expect(passwordProblem('x'.repeat(257), undefined)).toBe('must be 12 to 256 characters');
  });

  it('applies on DTOs through @IsNewPassword, with a sibling email when the DTO has one', () => {
    class Dto {
      email?: string;
      @IsNewPassword() password: string;
    }
    const messages = (body: object) =>
      validateSync(plainToInstance(Dto, body)).flatMap((e) => Object.values(e.constraints ?? {}));
    expect(messages({ password: 'correct-horse-battery-staple' })).toEqual([]);
    expect(messages({ password: 'Password1234' })).toEqual([COMMON_PASSWORD_MESSAGE]);
    expect(messages({ email: 'horse@acme.test', password: 'correct-horse-battery-staple' })).toEqual([
      EMAIL_IN_PASSWORD_MESSAGE,
    ]);
    expect(messages({ password: 'too-short' })).toEqual(['must be 12 to 256 characters']);
  });
});
