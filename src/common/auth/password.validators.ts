import { applyDecorators } from '@nestjs/common';
import { IsString, Length } from 'class-validator';

/** Every password a person sets (an admin for a user, the user themselves, the first admin). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** The one rule for a new password, on every DTO that sets one: 12 to 256 characters. */
export function IsNewPassword() {
  return applyDecorators(
    IsString(),
    Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` }),
  );
}
