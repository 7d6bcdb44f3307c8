export const ROLES = ['employee', 'manager', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** employee < manager < finance < admin: a higher role may do what a lower one can. */
export function hasAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
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
