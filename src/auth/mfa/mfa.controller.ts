import { NoBody } from '../../common/http/no-body';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { AuthErrors } from '../auth.errors';
import { MfaCodeDto, MfaEnrolmentResponseDto, MfaRecoveryCodesResponseDto, MfaStatusResponseDto } from './dto/mfa.dto';
import { MfaErrors } from './mfa.errors';
import { MfaService } from './mfa.service';

const THROTTLED = [AuthErrors.TOO_MANY_LOGIN_ATTEMPTS, 'Too many failed logins; try again in 840 seconds'] as const;
const WRONG = [MfaErrors.WRONG_MFA_CODE, 'The code is wrong, expired or already used'] as const;

/** The caller's own second factor (TOTP, RFC 6238) and its recovery codes. */
@ApiTags('Users')
@Controller('users/me/mfa')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Get()
  @Authenticated({ accountant: true, beforeMfaEnrolment: true })
  @ApiOperation({
    summary: 'Your second factor',
    description:
      'Whether it is on (or waits for confirmation), how many recovery codes are left, and whether the organization requires one.',
  })
  @ApiOkResponse({ type: MfaStatusResponseDto })
  status(@CurrentActor() actor: Actor): Promise<MfaStatusResponseDto> {
    return this.mfa.status(actor);
  }

  @Post('totp')
  @Authenticated({ accountant: true, beforeMfaEnrolment: true })
  @HttpCode(201)
  @ApiOperation({
    summary: 'Enrol an authenticator app (TOTP)',
    description:
      'Takes no body (one sent is 422). Answers a new secret as an `otpauth://` URI (show it as a QR code) and in base32. Nothing changes at login until POST /users/me/mfa/totp/confirm accepts a code from the app; enrolling again before that replaces the secret. 409 MFA_ALREADY_ENABLED when a second factor is on. Audited `user.mfa_enrolled`.',
  })
  @ApiCreatedResponse({ type: MfaEnrolmentResponseDto })
  @ApiProblems([
    MfaErrors.MFA_ALREADY_ENABLED,
    'Two-factor authentication is already on; disable it first to enrol again',
  ])
  enrol(@CurrentActor() actor: Actor, @NoBody() _body: undefined): Promise<MfaEnrolmentResponseDto> {
    return this.mfa.enrol(actor);
  }

  @Post('totp/confirm')
  @Authenticated({ accountant: true, beforeMfaEnrolment: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the enrolment with a code',
    description:
      'A current code from the app puts the second factor in force: from now on login asks for a code (POST /auth/mfa). Answers ten recovery codes, shown this once. Wrong codes count like wrong passwords (429 past the limit). Audited `user.mfa_confirmed`.',
  })
  @ApiOkResponse({ type: MfaRecoveryCodesResponseDto })
  @ApiValidation()
  @ApiProblems(WRONG, THROTTLED, [
    MfaErrors.MFA_NOT_ENROLLED,
    'Nothing to confirm: enrol first with POST /users/me/mfa/totp',
  ])
  confirm(@CurrentActor() actor: Actor, @Body() dto: MfaCodeDto): Promise<MfaRecoveryCodesResponseDto> {
    return this.mfa.confirm(actor, dto.code);
  }

  @Post('recovery-codes')
  @Authenticated({ accountant: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace your recovery codes',
    description:
      'With a current TOTP code (not a recovery code): ten new recovery codes, shown this once; the previous ones stop working. Audited `user.mfa_recovery_codes_regenerated`.',
  })
  @ApiOkResponse({ type: MfaRecoveryCodesResponseDto })
  @ApiValidation()
  @ApiProblems(WRONG, THROTTLED, [MfaErrors.MFA_NOT_ENROLLED, 'Two-factor authentication is not on for this user'])
  regenerate(@CurrentActor() actor: Actor, @Body() dto: MfaCodeDto): Promise<MfaRecoveryCodesResponseDto> {
    return this.mfa.regenerateRecoveryCodes(actor, dto.code);
  }

  @Post('disable')
  @Authenticated({ accountant: true })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Turn your second factor off',
    description:
      'Needs a current TOTP code or an unused recovery code; the secret and the recovery codes are deleted and login asks for the password alone again. In an organization that requires a second factor, the user must then enrol again before anything else (403 MFA_ENROLMENT_REQUIRED). Audited `user.mfa_disabled`.',
  })
  @ApiNoContentResponse({ description: 'Turned off' })
  @ApiValidation()
  @ApiProblems(WRONG, THROTTLED, [MfaErrors.MFA_NOT_ENROLLED, 'Two-factor authentication is not on for this user'])
  async disable(@CurrentActor() actor: Actor, @Body() dto: MfaCodeDto): Promise<void> {
    await this.mfa.disable(actor, dto.code);
  }
}
