import { AttributePath, equalities, Equality, FilterNode, isEquality } from './scim-filter';
import { AttributeSchema, isObject, Resource, scimBoolean, ScimPatchError } from './scim-patch';

/**
 * The SCIM User (RFC 7643 §4.1) as Spendin keeps it, pure: reading a client's resource into
 * the fields Spendin stores, and the attributes a filter and a PATCH may name.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export const USER_ATTRIBUTES: AttributeSchema = {
  id: { name: 'id', readOnly: true },
  meta: { name: 'meta', readOnly: true },
  groups: { name: 'groups', readOnly: true, multiValued: true },
  schemas: { name: 'schemas', readOnly: true },
  username: { name: 'userName' },
  externalid: { name: 'externalId' },
  active: { name: 'active' },
  displayname: { name: 'displayName' },
  name: {
    name: 'name',
    subs: { givenname: 'givenName', familyname: 'familyName', formatted: 'formatted', middlename: 'middleName' },
  },
  emails: {
    name: 'emails',
    multiValued: true,
    subs: { value: 'value', type: 'type', primary: 'primary', display: 'display' },
  },
};

/** What Spendin keeps of a SCIM User. */
export interface ScimUserFields {
  userName: string;
  email: string;
  fullName: string;
  givenName: string | null;
  familyName: string | null;
  externalId: string | null;
  active: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 256;

/**
 * Reads a User as a client sent it (POST, PUT) or as a PATCH left it. The Spendin e-mail is the
 * primary e-mail, else the work one, else the first, else the userName when it is an address
 * (Okta's default userName is the e-mail); the full name is displayName, else name.formatted,
 * else given and family name, else the userName. Throws ScimPatchError (invalidValue).
 */
export function readUser(resource: unknown): ScimUserFields {
  if (!isObject(resource)) throw new ScimPatchError('invalidSyntax', 'The body must be a User object');
  const get = (name: string) => resource[Object.keys(resource).find((k) => k.toLowerCase() === name) ?? name];
  const userName = text(get('username'), 'userName', true)!;
  const name = get('name');
  if (name !== undefined && name !== null && !isObject(name))
    throw new ScimPatchError('invalidValue', 'name must be an object');
  const sub = (key: string) =>
    isObject(name) ? name[Object.keys(name).find((k) => k.toLowerCase() === key) ?? key] : undefined;
  const givenName = text(sub('givenname'), 'name.givenName');
  const familyName = text(sub('familyname'), 'name.familyName');
  const formatted = text(sub('formatted'), 'name.formatted');
  const displayName = text(get('displayname'), 'displayName');
  const emailsValue = get('emails');
  if (emailsValue !== undefined && emailsValue !== null && !Array.isArray(emailsValue))
    throw new ScimPatchError('invalidValue', 'emails must be an array');
  const emails = ((emailsValue as unknown[] | undefined) ?? []).map((e, i) => {
    if (!isObject(e)) throw new ScimPatchError('invalidValue', `emails[${i}] must be an object`);
    return {
      value: text(e.value, `emails[${i}].value`, true)!,
      type: typeof e.type === 'string' ? e.type.toLowerCase() : undefined,
      primary: e.primary === undefined || e.primary === null ? false : scimBoolean(e.primary, `emails[${i}].primary`),
    };
  });
  const chosen =
    emails.find((e) => e.primary) ??
    emails.find((e) => e.type === 'work') ??
    emails[0] ??
    (EMAIL.test(userName) ? { value: userName } : undefined);
  if (!chosen) throw new ScimPatchError('invalidValue', 'emails (or a userName that is an e-mail address) is required');
  const email = chosen.value.toLowerCase();
  if (!EMAIL.test(email)) throw new ScimPatchError('invalidValue', `${chosen.value} is not an e-mail address`);
  const activeValue = get('active');
  const externalId = text(get('externalid'), 'externalId');
  const fullName = displayName ?? formatted ?? ([givenName, familyName].filter(Boolean).join(' ') || userName);
  return {
    userName,
    email,
    fullName: fullName.slice(0, 200),
    givenName,
    familyName,
    externalId,
    active: activeValue === undefined || activeValue === null ? true : scimBoolean(activeValue, 'active'),
  };
}

function text(value: unknown, field: string, required = false): string | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw new ScimPatchError('invalidValue', `${field} is required`);
    return null;
  }
  if (typeof value !== 'string') throw new ScimPatchError('invalidValue', `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed === '' && required) throw new ScimPatchError('invalidValue', `${field} is required`);
  if (trimmed.length > MAX_TEXT)
    throw new ScimPatchError('invalidValue', `${field} is longer than ${MAX_TEXT} characters`);
  return trimmed === '' ? null : trimmed;
}

export type UserFilterAttribute = 'userName' | 'externalId' | 'email' | 'id' | 'active';
export const USER_FILTERS =
  'userName eq, externalId eq, id eq, active eq, emails.value eq, emails[type eq "work"].value eq, emails[primary eq true].value eq';

/** The equality tests of a Users filter (throws ScimFilterError for anything else). */
export function userFilter(tree: FilterNode): Array<Equality<UserFilterAttribute>> {
  return equalities<UserFilterAttribute>(tree, userAttributeOf, USER_FILTERS);
}

function userAttributeOf(path: AttributePath): UserFilterAttribute | undefined {
  if (path.attribute === 'emails') {
    const filterOk =
      path.valueFilter === undefined ||
      isEquality(path.valueFilter, 'type', 'work') ||
      isEquality(path.valueFilter, 'primary', true);
    return filterOk && (path.sub === 'value' || (path.sub === undefined && !path.valueFilter)) ? 'email' : undefined;
  }
  if (path.valueFilter || path.sub) return undefined;
  return ({ username: 'userName', externalid: 'externalId', id: 'id', active: 'active' } as const)[
    path.attribute as 'username'
  ];
}

/** The attributes a Group filter may test. */
export type GroupFilterAttribute = 'displayName' | 'externalId' | 'id';
export const GROUP_FILTERS = 'displayName eq, externalId eq, id eq';

export function groupFilter(tree: FilterNode): Array<Equality<GroupFilterAttribute>> {
  return equalities<GroupFilterAttribute>(
    tree,
    (path) =>
      path.valueFilter || path.sub
        ? undefined
        : ({ displayname: 'displayName', externalid: 'externalId', id: 'id' } as const)[path.attribute as 'id'],
    GROUP_FILTERS,
  );
}

export const GROUP_ATTRIBUTES: AttributeSchema = {
  id: { name: 'id', readOnly: true },
  meta: { name: 'meta', readOnly: true },
  schemas: { name: 'schemas', readOnly: true },
  displayname: { name: 'displayName' },
  externalid: { name: 'externalId' },
  members: { name: 'members', multiValued: true, subs: { value: 'value', display: 'display', type: 'type' } },
};

export interface ScimGroupFields {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a Group as sent (POST, PUT) or as a PATCH left it. Member values must be user ids. */
export function readGroup(resource: unknown): ScimGroupFields {
  if (!isObject(resource)) throw new ScimPatchError('invalidSyntax', 'The body must be a Group object');
  const get = (name: string) => resource[Object.keys(resource).find((k) => k.toLowerCase() === name) ?? name];
  const members = get('members');
  if (members !== undefined && members !== null && !Array.isArray(members))
    throw new ScimPatchError('invalidValue', 'members must be an array');
  const memberIds = ((members as unknown[] | undefined) ?? []).map((m, i) => {
    const value = isObject(m) ? m.value : undefined;
    if (typeof value !== 'string' || !UUID.test(value))
      throw new ScimPatchError('invalidValue', `members[${i}].value must be the id of a User`);
    return value.toLowerCase();
  });
  return {
    displayName: text(get('displayname'), 'displayName', true)!,
    externalId: text(get('externalid'), 'externalId'),
    memberIds: [...new Set(memberIds)],
  };
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The id-less part of a resource a client may send back (Okta's PUT echoes id and meta). */
export function withoutServerFields(resource: Resource): Resource {
  const { id: _id, meta: _meta, ...rest } = resource;
  return rest;
}
