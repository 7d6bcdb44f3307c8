import { defineErrors } from '../common/errors/domain-error';

export const OrganizationErrors = defineErrors({
  ORGANIZATION_NOT_FOUND: { status: 404, title: 'Organization not found' },
  ADMIN_EMAIL_IN_OTHER_ORGANIZATION: { status: 409, title: 'E-mail belongs to another organization' },
});
