import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RateLimited } from '../common/rate-limit/rate-limit.decorator';
import {
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { AuthErrors } from './auth.errors';
import { AuthService, ClientContext } from './auth.service';
import { LoginDto, RefreshTokenDto, TokenResponseDto } from './dto/auth.dto';
import { MfaChallengeResponseDto } from './mfa/dto/mfa.dto';

const client = (request: Request): ClientContext => ({ ip: request.ip ?? 'unknown', requestId: String(request.id) });

@ApiTags('Auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @RateLimited('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with e-mail and password',
    description:
      'Answers an access token (15 minutes by default) and a single-use refresh token. Each attempt is counted before the password is checked; ' +
      'past the limit for an account the answer is 429 with Retry-After, even for the right password. E-mails are unique per organization: ' +
      'when the e-mail and password open accounts in several, 409 ORGANIZATION_REQUIRED lists them (in `organizations`) and the client logs in again with `organization_id`. ' +
      'When too many passwords are being checked at once, 503 with Retry-After. ' +
      'For a user with a second factor the answer is `{mfa_required: true, mfa_token}` instead, and POST /auth/mfa trades the token and a code for the token pair.',
  })
  @ApiExtraModels(TokenResponseDto, MfaChallengeResponseDto)
  @ApiOkResponse({
    description: 'The token pair, or for a user with a second factor the challenge for POST /auth/mfa',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaChallengeResponseDto) }] },
  })
  @ApiValidation()
  @ApiProblems(
    [AuthErrors.INVALID_CREDENTIALS, 'E-mail or password is wrong'],
    [AuthErrors.TOO_MANY_LOGIN_ATTEMPTS, 'Too many failed logins; try again in 840 seconds'],
    [
      AuthErrors.ORGANIZATION_REQUIRED,
      'This e-mail and password open accounts in several organizations; log in again with organization_id',
    ],
    [CommonErrors.SERVICE_UNAVAILABLE, 'Too many password checks at once; try again in a second'],
    [
      CommonErrors.ORGANIZATION_SUSPENDED,
      "The installation's operator has suspended this organization: nobody of it can log in until it is resumed",
    ],
  )
  login(@Req() request: Request, @Body() dto: LoginDto): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    return this.auth.login(client(request), dto.email, dto.password, dto.organization_id);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      "The presented refresh token stops working. Presenting a spent refresh token again ends every session of its user (401 REFRESH_TOKEN_REUSED). A token issued before the user's password, role or active state changed is refused.",
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiValidation()
  @ApiProblems(
    [AuthErrors.REFRESH_TOKEN_INVALID, 'The refresh token is unknown or revoked'],
    [
      AuthErrors.REFRESH_TOKEN_REUSED,
      'This refresh token was already used; every session of the user is now signed out',
    ],
    [
      CommonErrors.ORGANIZATION_SUSPENDED,
      "The installation's operator has suspended this organization; the refresh token works again once it is resumed",
    ],
  )
  refresh(@Req() request: Request, @Body() dto: RefreshTokenDto): Promise<TokenResponseDto> {
    return this.auth.refresh(client(request), dto.refresh_token);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out',
    description:
      "Ends the session of the refresh token (every token rotated from the same login, and their access tokens); the user's other sessions go on. Idempotent.",
  })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiValidation()
  async logout(@Req() request: Request, @Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(client(request), dto.refresh_token);
  }
}
