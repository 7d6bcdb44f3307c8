import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OperatorActor } from '../common/auth/operator';
import { UuidParam } from '../common/http/uuid-param';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { OrganizationErrors } from '../organizations/organizations.errors';
import {
  CreatedOrganizationDto,
  CreateOrganizationDto,
  OperatorOrganizationDto,
  OperatorOrganizationListDto,
  SuspendOrganizationDto,
} from './dto/operator.dto';
import { CurrentOperator, OperatorOnly } from './operator-only.decorator';
import { OperatorOrganizations } from './operator-organizations';
import { OperatorErrors } from './operators.errors';

@ApiTags('Operator')
@Controller('operator/organizations')
@OperatorOnly()
export class OperatorOrganizationsController {
  constructor(private readonly organizations: OperatorOrganizations) {}

  @Post()
  @ApiOperation({
    summary: 'Create an organization with its first admin',
    description:
      'The same use case as `npm run cli -- bootstrap`: the organization and its admin, who can log in at POST /auth/login at once. ' +
      'Without `password`, one is generated and answered once in `admin_password`, and the admin must replace it at first login. ' +
      "Audited in the new organization's log (`organization.created`, `actor_type: operator`).",
  })
  @ApiCreatedResponse({ type: CreatedOrganizationDto })
  @ApiValidation()
  @ApiProblems(
    [OperatorErrors.ORGANIZATION_EXISTS, 'Organization "Acme Inc." with admin admin@acme.test exists already'],
    [
      OrganizationErrors.ADMIN_EMAIL_IN_OTHER_ORGANIZATION,
      'admin@acme.test already belongs to another organization or is not an admin there',
    ],
  )
  create(
    @CurrentOperator() operator: OperatorActor,
    @Body() dto: CreateOrganizationDto,
  ): Promise<CreatedOrganizationDto> {
    return this.organizations.create(operator, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'List every organization of the installation',
    description:
      'Name, base currency, status (active or suspended), user count and creation date, oldest first. No spend, report or amount: ' +
      "an operator sees an organization's data only with a role in it.",
  })
  @ApiOkResponse({ type: OperatorOrganizationListDto })
  list(): Promise<OperatorOrganizationListDto> {
    return this.organizations.list();
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Suspend an organization',
    description:
      "From now on every credential of the organization (access tokens, refresh tokens, any other) is refused with 403 ORGANIZATION_SUSPENDED on every route, its users' logins too, " +
      "and its identity provider's events; nothing is deleted, and jobs already queued finish. Audited in the organization's log (`organization.suspended`, `actor_type: operator`, the reason). " +
      'Idempotent: suspending a suspended organization changes nothing.',
  })
  @ApiOkResponse({ type: OperatorOrganizationDto })
  @ApiValidation()
  @ApiProblems([
    OrganizationErrors.ORGANIZATION_NOT_FOUND,
    'Organization 9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f does not exist',
  ])
  suspend(
    @CurrentOperator() operator: OperatorActor,
    @UuidParam('id') id: string,
    @Body() dto: SuspendOrganizationDto,
  ): Promise<OperatorOrganizationDto> {
    return this.organizations.suspend(operator, id, dto.reason ?? null);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resume a suspended organization',
    description:
      "Its users' tokens, logins and identity-provider events work again, as they were (a token issued before the suspension included, until it expires). " +
      "Audited in the organization's log (`organization.resumed`). Idempotent.",
  })
  @ApiOkResponse({ type: OperatorOrganizationDto })
  @ApiProblems([
    OrganizationErrors.ORGANIZATION_NOT_FOUND,
    'Organization 9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f does not exist',
  ])
  resume(@CurrentOperator() operator: OperatorActor, @UuidParam('id') id: string): Promise<OperatorOrganizationDto> {
    return this.organizations.resume(operator, id);
  }
}
