import { OrganizationResponseDto } from './dto/organization.dto';
import { Organization } from './organization.entity';

export function toOrganizationResponse(organization: Organization): OrganizationResponseDto {
  return {
    id: organization.id,
    name: organization.name,
    base_currency: organization.baseCurrency,
    settings: organization.settings,
    created_at: organization.createdAt.toISOString(),
  };
}
