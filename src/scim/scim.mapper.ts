import { API_PREFIX } from '../common/http/api-prefix';
import { GROUP_SCHEMA, USER_SCHEMA } from './core/scim-user';
import type { ScimGroup } from './scim-groups.repository';
import type { ScimUserRecord } from './scim-users.repository';

/** Where SCIM resources live under the installation's address (relative without PUBLIC_URL). */
export function scimBaseUrl(publicUrl: string | undefined): string {
  return `${publicUrl ?? ''}/${API_PREFIX}/scim/v2`;
}

/** A Spendin user as a SCIM User: userName as the provider sent it (else the e-mail), one work e-mail. */
export function toScimUser(record: ScimUserRecord, base: string): Record<string, unknown> {
  const { user } = record;
  return {
    schemas: [USER_SCHEMA],
    id: user.id,
    ...(user.externalId !== null ? { externalId: user.externalId } : {}),
    userName: record.userName ?? user.email,
    name: {
      formatted: user.fullName,
      ...(record.givenName !== null ? { givenName: record.givenName } : {}),
      ...(record.familyName !== null ? { familyName: record.familyName } : {}),
    },
    displayName: user.fullName,
    emails: [{ value: user.email, type: 'work', primary: true }],
    active: user.isActive,
    groups: record.groups.map((g) => ({ value: g.id, display: g.displayName })),
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${base}/Users/${user.id}`,
    },
  };
}

export function toScimGroup(group: ScimGroup, base: string, withMembers = true): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId !== null ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    ...(withMembers ? { members: group.members.map((m) => ({ value: m.id, display: m.display })) } : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${base}/Groups/${group.id}`,
    },
  };
}
