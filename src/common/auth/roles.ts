/** The ladder, lowest first: employee < manager < finance < admin. */
export const LADDER = ['employee', 'manager', 'finance', 'admin'] as const;
export type LadderRole = (typeof LADDER)[number];

/**
 * Every role a user can hold: the ladder, and `accountant`, which is no rung of it. An
 * accountant reads every spend, receipt, report, export and the audit log of their organization
 * and manages its accounting fields (category and vendor codes), but never approves, never pays
 * and administers nothing else; each route says whether it admits them (`@Authenticated({ accountant })`).
 */
export const ROLES = [...LADDER, 'accountant'] as const;
export type Role = (typeof ROLES)[number];

/** employee < manager < finance < admin: a higher role may do what a lower one can. An accountant is on no rung. */
export function hasAtLeast(role: Role, minimum: LadderRole): boolean {
  const rank = (LADDER as readonly Role[]).indexOf(role);
  return rank >= 0 && rank >= LADDER.indexOf(minimum);
}

/**
 * Whoever reads the whole organization's spends, receipts and reports: finance, admin and the
 * accountant.
 */
export function readsWholeOrganization(role: Role): boolean {
  return role === 'accountant' || hasAtLeast(role, 'finance');
}

/**
 * The caller of a use case, passed explicitly as the first argument of service methods.
 * `requestId` and `ip` travel along so that audit entries can name them.
 */
export interface Actor {
  userId: string;
  organizationId: string;
  role: Role;
  requestId?: string;
  ip?: string;
  /**
   * Set when the caller is an organization API key: the key acts with its creator's `userId`
   * and `role` (an active admin), and the audit log names the key, not the creator, as actor.
   */
  apiKeyId?: string;
}

/**
 * The order in which a role "wins" when several are given to one person at once (an identity
 * provider's role claim, SCIM groups): the ladder, with the accountant above the employee and
 * below the manager — they read more than a manager but decide and administer nothing.
 */
export const ROLE_PRECEDENCE: readonly Role[] = ['employee', 'accountant', 'manager', 'finance', 'admin'];

/** Whether `role` wins over `other` by ROLE_PRECEDENCE (or equals it). */
export function outranksOrEquals(role: Role, other: Role): boolean {
  return ROLE_PRECEDENCE.indexOf(role) >= ROLE_PRECEDENCE.indexOf(other);
}
