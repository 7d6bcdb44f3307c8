import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiValidation } from '../common/swagger/api-problems.decorator';
import { UpdateMeDto } from './dto/update-me.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Authenticated({ beforePasswordChange: true, accountant: true })
  @ApiOperation({
    summary: "The caller's own user",
    description:
      'Who the bearer token belongs to: role, manager, teams and organization. Answers even while an admin requires a new password.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentActor() actor: Actor): Promise<UserResponseDto> {
    return this.users.me(actor);
  }

  @Patch('me')
  @Authenticated({ accountant: true })
  @ApiOperation({
    summary: "Update the caller's own name or e-mail preference",
    description:
      'Only the fields sent change; role, manager and e-mail are changed by an admin (PATCH /admin/users/{id}).',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiValidation()
  updateMe(@CurrentActor() actor: Actor, @Body() dto: UpdateMeDto): Promise<UserResponseDto> {
    return this.users.updateMe(actor, dto);
  }
}
