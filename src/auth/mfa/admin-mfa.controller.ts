import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { UuidParam } from '../../common/http/uuid-param';
import { ApiInvalidId, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { UserErrors } from '../../users/users.errors';
import { MfaService } from './mfa.service';

/** An admin's way out for a user who lost their authenticator app and their recovery codes. */
@ApiTags('Users')
@Controller('admin/users')
export class AdminMfaController {
  constructor(private readonly mfa: MfaService) {}

  @Delete(':id/mfa')
  @HttpCode(204)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Turn a user's second factor off",
    description:
      'For a user who lost their authenticator app and recovery codes: their secret, a pending enrolment and their recovery codes are deleted and every session of theirs ends; they log in with the password alone (and, where the organization requires a second factor, enrol again before anything else). Idempotent. Audited `user.mfa_reset`.',
  })
  @ApiNoContentResponse({ description: 'Turned off (or was not on)' })
  @ApiInvalidId()
  @ApiProblems([UserErrors.USER_NOT_FOUND, 'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b does not exist'])
  async reset(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<void> {
    await this.mfa.resetFor(actor, id);
  }
}
