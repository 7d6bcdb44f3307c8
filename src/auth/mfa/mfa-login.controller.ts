import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RateLimited } from '../../common/rate-limit/rate-limit.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/decorators';
import { ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { AuthErrors } from '../auth.errors';
import { TokenResponseDto } from '../dto/auth.dto';
import { MfaLoginDto } from './dto/mfa.dto';
import { MfaLoginService } from './mfa-login.service';
import { MfaErrors } from './mfa.errors';

@ApiTags('Auth')
@Controller('auth')
export class MfaLoginController {
  constructor(private readonly login: MfaLoginService) {}

  @Post('mfa')
  @RateLimited('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Second step of a login: the code',
    description:
      'For a user with a second factor, POST /auth/login answers `{mfa_required: true, mfa_token}` instead of tokens. Send that token with the 6-digit code of the authenticator app, or an unused recovery code (each works once), to get the usual token pair. ' +
      'A code is accepted once: the same code again is refused. Wrong codes count per user like wrong passwords (429 with Retry-After past the limit, however often the password is entered again); the mfa_token stays usable until it expires (5 minutes) or succeeds.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiValidation()
  @ApiProblems(
    [MfaErrors.MFA_TOKEN_INVALID, 'The mfa_token is unknown, used or expired; log in again'],
    [MfaErrors.INVALID_MFA_CODE, 'The code is wrong, expired or already used'],
    [AuthErrors.TOO_MANY_LOGIN_ATTEMPTS, 'Too many failed logins; try again in 840 seconds'],
  )
  complete(@Req() request: Request, @Body() dto: MfaLoginDto): Promise<TokenResponseDto> {
    return this.login.complete({ ip: request.ip ?? 'unknown', requestId: String(request.id) }, dto.mfa_token, dto.code);
  }
}
