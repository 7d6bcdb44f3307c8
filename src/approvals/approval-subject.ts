/**
 * What an approval chain decides. The approvals module knows subjects only by type and id; the
 * module that owns each type (spends, expense reports, advances) requests chains for it and
 * moves it when its chain ends (ApprovalEvents).
 */
export const SUBJECT_TYPES = ['spend', 'expense_report', 'advance'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface ApprovalSubject {
  type: SubjectType;
  id: string;
}

/** How refusals and messages name a subject: "spend", "expense report", "advance". */
export function subjectNoun(type: SubjectType): string {
  return type.replace('_', ' ');
}

export const spendSubject = (id: string): ApprovalSubject => ({ type: 'spend', id });
export const advanceSubject = (id: string): ApprovalSubject => ({ type: 'advance', id });
