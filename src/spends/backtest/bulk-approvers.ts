import type { ApprovalRequirement } from '../../policies/engine/evaluate';
import type { DirectoryMaps } from './backtest.repository';

/** Who a step would go to: a person or a role. */
export interface AskedApprover {
  requirement: string;
  user_id: string | null;
  role: 'finance' | 'admin' | null;
}

/**
 * The approvers of one spend's chain, resolved from maps loaded once per backtest. Same rules as
 * the live ApproverResolver: nobody configured, the owner themselves, an inactive user or an
 * accountant fall back to finance; two requirements landing on the same approver make one step.
 */
export function resolveInBulk(
  maps: DirectoryMaps,
  context: { ownerId: string; teamId: string | null },
  requirements: ApprovalRequirement[],
): AskedApprover[] {
  const chain: AskedApprover[] = [];
  for (const requirement of requirements) {
    const asked = resolveOne(maps, context, requirement.approver);
    if (!chain.some((a) => a.user_id === asked.user_id && a.role === asked.role)) chain.push(asked);
  }
  return chain;
}

function resolveOne(
  maps: DirectoryMaps,
  context: { ownerId: string; teamId: string | null },
  spec: string,
): AskedApprover {
  if (spec === 'finance' || spec === 'admin') return { requirement: spec, user_id: null, role: spec };
  const fallback: AskedApprover = { requirement: spec, user_id: null, role: 'finance' };
  let candidate: string | null | undefined;
  if (spec === 'manager') candidate = maps.users.get(context.ownerId)?.managerId;
  else if (spec === 'team_lead') candidate = context.teamId ? maps.teamLeads.get(context.teamId) : null;
  else candidate = spec.slice('user:'.length);
  if (!candidate || candidate === context.ownerId) return fallback;
  const user = maps.users.get(candidate);
  if (!user || !user.isActive || user.role === 'accountant') return fallback;
  return { requirement: spec, user_id: candidate, role: null };
}
