import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { AuthErrors } from './auth.errors';
import { AuthService } from './auth.service';
import { ChangePasswordDto, TokenResponseDto } from './dto/auth.dto';

/**
 * The caller's own password, under /users/me with the rest of the caller's own user. It lives
 * in the auth module because changing it ends the user's sessions and issues a new one.
 */
@ApiTags('Users')
@Controller('users/me')
export class OwnPasswordController {
  constructor(private readonly auth: AuthService) {}

  @Post('password')
  @Authenticated({ beforePasswordChange: true, accountant: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change your own password',
    description:
      'The current password must be right; wrong ones count as failed logins (429 with Retry-After past the limit). ' +
      'Every session of the user ends: access tokens issued before stop working at once and every refresh token is revoked. ' +
      'The answer is a new token pair for the caller, as login answers. ' +
      "This is the way out of an admin's demand for a new password (403 PASSWORD_CHANGE_REQUIRED elsewhere); the new password must differ from the current one.",
  })
  @ApiOkResponse({ type: TokenResponseDto, description: 'Changed; continue with this token pair' })
  @ApiValidation()
  @ApiProblems(
    [AuthErrors.INVALID_CURRENT_PASSWORD, 'The current password is wrong'],
    [AuthErrors.TOO_MANY_LOGIN_ATTEMPTS, 'Too many failed logins; try again in 840 seconds'],
  )
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto): Promise<TokenResponseDto> {
    return this.auth.changePassword(actor, dto.current_password, dto.new_password);
  }
}
