import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/auth/decorators';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { AuthErrors } from './auth.errors';
import { AuthService, ClientContext } from './auth.service';
import { LoginDto, RefreshTokenDto, TokenResponseDto } from './dto/auth.dto';

const client = (request: Request): ClientContext => ({ ip: request.ip ?? 'unknown', requestId: String(request.id) });

@ApiTags('Auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with e-mail and password',
    description: 'Answers an access token (15 minutes by default) and a single-use refresh token. Repeated failures for one e-mail lock it out for a while (429 with Retry-After).',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiValidation()
  @ApiProblems(
    [AuthErrors.INVALID_CREDENTIALS, 'E-mail or password is wrong'],
    [AuthErrors.TOO_MANY_LOGIN_ATTEMPTS, 'Too many failed logins; try again in 840 seconds'],
  )
  login(@Req() request: Request, @Body() dto: LoginDto): Promise<TokenResponseDto> {
    return this.auth.login(client(request), dto.email, dto.password);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description: 'The presented refresh token stops working. Presenting a spent refresh token again revokes its whole family (401 REFRESH_TOKEN_REUSED).',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiValidation()
  @ApiProblems(
    [AuthErrors.REFRESH_TOKEN_INVALID, 'The refresh token is unknown or revoked'],
    [AuthErrors.REFRESH_TOKEN_REUSED, 'This refresh token was already used; every session of its family is now signed out'],
  )
  refresh(@Req() request: Request, @Body() dto: RefreshTokenDto): Promise<TokenResponseDto> {
    return this.auth.refresh(client(request), dto.refresh_token);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Log out', description: 'Revokes the refresh token and every token rotated from the same login. Idempotent.' })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiValidation()
  async logout(@Req() request: Request, @Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(client(request), dto.refresh_token);
  }
}
