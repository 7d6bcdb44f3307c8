import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/decorators';
import { ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { PasswordResetErrors } from './password-reset.errors';
import { PasswordResetAcceptedDto, PasswordResetConfirmDto, PasswordResetRequestDto } from './password-reset.dto';
import { PasswordResetService } from './password-reset.service';

const ACCEPTED = 'If an account with this e-mail exists, a message with a reset link is on its way';

@ApiTags('Auth')
@Controller('auth/password-reset')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Post()
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a password reset e-mail',
    description:
      'Always 202 with the same body, whether or not the e-mail names an account (nor whether it has a password, nor is active): each account with a password that the e-mail names (only the one in `organization_id` when given) gets a message with a single-use token that works for PASSWORD_RESET_TTL_SECONDS (30 minutes by default). ' +
      'Requests are counted per e-mail and per client address: past the login limits, 429 with Retry-After. Without SMTP_URL nothing is sent (the API logs that mail is not configured).',
  })
  @ApiAcceptedResponse({ type: PasswordResetAcceptedDto })
  @ApiValidation()
  @ApiProblems([
    PasswordResetErrors.TOO_MANY_RESET_REQUESTS,
    'Too many password reset requests; try again in 840 seconds',
  ])
  async request(@Req() request: Request, @Body() dto: PasswordResetRequestDto): Promise<PasswordResetAcceptedDto> {
    await this.resets.request(
      { ip: request.ip ?? 'unknown', requestId: String(request.id) },
      dto.email,
      dto.organization_id,
    );
    return { message: ACCEPTED };
  }

  @Post('confirm')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with the e-mailed token',
    description:
      "Sets the password (the same rules as anywhere: 422 when it breaks them, and the token still works), clears an admin's demand for a new one, and ends every session of the user: their access and refresh tokens stop working at once. " +
      'No tokens are answered: log in with the new password (and the second factor, if on). The token works once: 410 RESET_TOKEN_USED after, 410 RESET_TOKEN_EXPIRED when it has expired, 400 RESET_TOKEN_INVALID when it is unknown or malformed. Audited `user.password_reset`.',
  })
  @ApiNoContentResponse({ description: 'The password is set' })
  @ApiValidation()
  @ApiProblems(
    [PasswordResetErrors.RESET_TOKEN_INVALID, 'The reset token is unknown'],
    [PasswordResetErrors.RESET_TOKEN_USED, 'The reset token was already used; ask for a new one'],
    [PasswordResetErrors.RESET_TOKEN_EXPIRED, 'The reset token has expired; ask for a new one'],
  )
  async confirm(@Req() request: Request, @Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.resets.confirm(
      { ip: request.ip ?? 'unknown', requestId: String(request.id) },
      dto.token,
      dto.new_password,
    );
  }
}
