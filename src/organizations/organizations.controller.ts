import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiValidation } from '../common/swagger/api-problems.decorator';
import { OrganizationResponseDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('Organization')
@Controller('organization')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @Authenticated({ accountant: true })
  @ApiOperation({
    summary: "The caller's organization",
    description:
      'Name, base currency (what reports and policies count in) and settings of the organization the token belongs to.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  get(@CurrentActor() actor: Actor): Promise<OrganizationResponseDto> {
    return this.organizations.get(actor);
  }

  @Patch()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Update the organization's name, base currency or settings",
    description: 'Admin only; only the fields sent change, and the change is audited.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiValidation()
  update(@CurrentActor() actor: Actor, @Body() dto: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    return this.organizations.update(actor, dto);
  }
}
