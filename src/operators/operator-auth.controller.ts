import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RateLimited } from '../common/rate-limit/rate-limit.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { AuthErrors } from '../auth/auth.errors';
import { OperatorLoginDto, OperatorTokenDto } from './dto/operator.dto';
import { OperatorAuth } from './operator-auth';

@ApiTags('Operator')
@Controller('operator/auth')
export class OperatorAuthController {
  constructor(private readonly auth: OperatorAuth) {}

  @Post('login')
  @RateLimited('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: "Log in as the installation's operator",
    description:
      "For the operators the CLI creates (`npm run cli -- operator create`), not for organizations' users. Answers an operator access token (15 minutes, no refresh token) " +
      'that opens the /operator routes and nothing else: every organization route refuses it (401 INVALID_TOKEN). Throttled like POST /auth/login: ' +
      'each attempt is counted before the password is checked, and past the limit the answer is 429 with Retry-After.',
  })
  @ApiOkResponse({ type: OperatorTokenDto })
  @ApiValidation()
  @ApiProblems(
    [AuthErrors.INVALID_CREDENTIALS, 'E-mail or password is wrong'],
    [AuthErrors.TOO_MANY_LOGIN_ATTEMPTS, 'Too many failed logins; try again in 840 seconds'],
    [CommonErrors.SERVICE_UNAVAILABLE, 'Too many password checks at once; try again in a second'],
  )
  login(@Req() request: Request, @Body() dto: OperatorLoginDto): Promise<OperatorTokenDto> {
    return this.auth.login(dto.email, dto.password, request.ip ?? 'unknown');
  }
}
