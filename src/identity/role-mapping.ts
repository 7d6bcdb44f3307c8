import { outranksOrEquals, Role } from '../common/auth/roles';

/**
 * The values of the claim that carries a user's roles at the provider. `path` is first read as
 * one claim name (so a namespaced claim such as `https://acme.test/roles` works, dots and all),
 * else as a dot-separated path into nested objects (`realm_access.roles`). A string is one
 * value; an array gives its strings; anything else gives none.
 */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims[path];
  if (value === undefined && path.includes('.')) {
    value = path.split('.').reduce<unknown>((node, key) => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      return Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    }, claims);
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The highest Spendin role (by ROLE_PRECEDENCE: the accountant above the employee, below the manager) any of `values` maps to, or `defaultRole` when none maps. */
export function mappedRole(values: string[], mapping: Record<string, Role>, defaultRole: Role): Role {
  let best: Role | null = null;
  for (const value of values) {
    const role = Object.prototype.hasOwnProperty.call(mapping, value) ? mapping[value] : undefined;
    if (role !== undefined && (best === null || outranksOrEquals(role, best))) best = role;
  }
  return best ?? defaultRole;
}
