/** One approval delegation: steps assigned to the delegator may be decided by the delegate within [startsOn, endsOn]. */
export interface Delegation {
  id: string;
  organizationId: string;
  delegatorId: string;
  delegateId: string;
  /** YYYY-MM-DD, inclusive. */
  startsOn: string;
  endsOn: string;
  reason: string | null;
  createdBy: string;
  revokedAt: Date | null;
  createdAt: Date;
  /** Not revoked, and today (the database's CURRENT_DATE, UTC) is within the range. */
  active: boolean;
}
