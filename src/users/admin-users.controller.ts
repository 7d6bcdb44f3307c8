import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { UserErrors } from './users.errors';
import { UsersService } from './users.service';

const NOT_FOUND = [UserErrors.USER_NOT_FOUND, 'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b does not exist'] as const;

@ApiTags('Admin: users')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authenticated({ role: 'admin', scope: 'users:read' })
  @ApiOperation({ summary: "List the organization's users", description: 'Newest first. Filters combine with AND.' })
  @ApiPageResponse(UserResponseDto, 'A page of users')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    return this.users.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a user',
    description: 'Without a password the user cannot log in until one is set.',
  })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiValidation()
  @ApiProblems(
    [UserErrors.EMAIL_TAKEN, 'jane.doe@acme.test is already in use'],
    [UserErrors.MANAGER_NOT_FOUND, 'manager_id must name an active user of this organization'],
  )
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(actor, dto);
  }

  @Get(':id')
  @Authenticated({ role: 'admin', scope: 'users:read' })
  @ApiOperation({
    summary: 'Get a user',
    description: 'Admin only. A user of another organization is 404 USER_NOT_FOUND, like one that does not exist.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(NOT_FOUND)
  @ApiInvalidId()
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<UserResponseDto> {
    return this.users.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Update a user',
    description: 'A new password or deactivation signs the user out everywhere at once.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiValidation()
  @ApiProblems(
    NOT_FOUND,
    [UserErrors.MANAGER_CYCLE, 'User 5a7d… reports to 0b8e…, directly or through others'],
    [UserErrors.MANAGER_NOT_FOUND, 'manager_id must name an active user of this organization'],
    [
      UserErrors.LAST_ADMIN,
      'The organization needs at least one active admin who can log in; promote another user first',
    ],
  )
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return this.users.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Deactivate a user',
    description: "Soft delete: the user's history stays and every token of theirs stops working at once.",
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND, [
    UserErrors.LAST_ADMIN,
    'The organization needs at least one active admin who can log in; promote another user first',
  ])
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
    await this.users.deactivate(actor, id);
    return { message: 'Deleted successfully' };
  }
}
