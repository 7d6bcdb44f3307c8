import { defineErrors } from '../common/errors/domain-error';

export const UserErrors = defineErrors({
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  EMAIL_TAKEN: { status: 409, title: 'E-mail already in use' },
  EXTERNAL_ID_TAKEN: { status: 409, title: 'External id already linked to another user' },
  MANAGER_NOT_FOUND: { status: 422, title: 'Manager not found' },
  MANAGER_CYCLE: { status: 422, title: 'Reporting line would form a cycle' },
  LAST_ADMIN: { status: 409, title: 'The last active admin cannot be removed' },
});

export const TeamErrors = defineErrors({
  TEAM_NOT_FOUND: { status: 404, title: 'Team not found' },
  TEAM_NAME_TAKEN: { status: 409, title: 'Team name already in use' },
  TEAM_USER_NOT_FOUND: { status: 422, title: 'User not found in this organization' },
  MEMBER_NOT_FOUND: { status: 404, title: 'User not found' },
  MEMBER_INACTIVE: { status: 409, title: 'User is deactivated' },
});
