import type { Evaluation } from '../../policies/engine/evaluate';
import type { AskedApprover } from './bulk-approvers';

/** What a spend's evaluation comes to, as the backtest compares it. */
export type Outcome = 'approved' | 'pending_approval' | 'awaiting_receipt' | 'blocked';

/** A pending spend that waits only for a receipt (no approver) is told apart from one that waits for people. */
export function outcomeOf(evaluation: Evaluation): Outcome {
  if (evaluation.decision === 'pending_approval' && evaluation.approvals.length === 0 && evaluation.awaiting_receipt)
    return 'awaiting_receipt';
  return evaluation.decision;
}

export interface Judged {
  outcome: Outcome;
  approvers: AskedApprover[];
}

const key = (a: AskedApprover) => `${a.requirement}|${a.user_id ?? ''}|${a.role ?? ''}`;

/** A spend changed when its outcome differs or a different chain of approvers would be asked. */
export function changed(before: Judged, after: Judged): boolean {
  if (before.outcome !== after.outcome) return true;
  if (before.approvers.length !== after.approvers.length) return true;
  return before.approvers.some((a, i) => key(a) !== key(after.approvers[i]));
}

/** The rule a change is put down to: the first draft rule that matched after, else the first replaced one that matched before. */
export function decisiveRule(
  before: Evaluation,
  after: Evaluation,
  draftPolicyId: string,
): { rule_id: string; rule_reason: string } | null {
  const match =
    after.matched_rules.find((m) => m.policy_id === draftPolicyId && !m.overridden_by) ??
    after.matched_rules.find((m) => m.policy_id === draftPolicyId) ??
    before.matched_rules.find((m) => m.policy_id === draftPolicyId);
  return match ? { rule_id: match.rule_id, rule_reason: match.reason } : null;
}

/** Running totals of a backtest; amounts in minor units of the base currency. */
export class BacktestTally {
  evaluated = 0;
  changedCount = 0;
  changedAmount = 0n;
  private readonly transitions = new Map<string, { from: Outcome; to: Outcome; count: number; amount: bigint }>();
  private readonly asked = new Map<string, AskedApprover & { count: number }>();

  add(before: Judged, after: Judged, baseAmountMinor: bigint): boolean {
    this.evaluated += 1;
    if (!changed(before, after)) return false;
    this.changedCount += 1;
    this.changedAmount += baseAmountMinor;
    const transitionKey = `${before.outcome}>${after.outcome}`;
    const transition = this.transitions.get(transitionKey) ?? {
      from: before.outcome,
      to: after.outcome,
      count: 0,
      amount: 0n,
    };
    transition.count += 1;
    transition.amount += baseAmountMinor;
    this.transitions.set(transitionKey, transition);
    for (const approver of after.approvers) {
      const entry = this.asked.get(key(approver)) ?? { ...approver, count: 0 };
      entry.count += 1;
      this.asked.set(key(approver), entry);
    }
    return true;
  }

  /** Transitions by count (largest first), then name, for a stable answer. */
  byTransition(): Array<{ from: Outcome; to: Outcome; count: number; amount: bigint }> {
    return [...this.transitions.values()].sort(
      (a, b) => b.count - a.count || `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`),
    );
  }

  approversAsked(): Array<AskedApprover & { count: number }> {
    return [...this.asked.values()].sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)));
  }
}
