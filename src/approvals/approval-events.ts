import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { SystemActor } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import type { SubjectType } from './approval-subject';

export type ChainOutcome = 'advanced' | 'approved' | 'rejected';

export interface ApprovalDecided {
  /** The decision's transaction: whatever a listener writes commits or rolls back with it. */
  tx: EntityManager;
  /** Who decided: a person, or the system (an auto-reject, `userId` null). */
  actor: Actor | SystemActor;
  organizationId: string;
  subjectType: SubjectType;
  subjectId: string;
  approvalId: string;
  round: number;
  outcome: ChainOutcome;
  comment: string | null;
}

/** Moves the subject after a decision, in its transaction, and answers the subject's status. */
export type DecisionHandler = (event: ApprovalDecided) => Promise<string>;

/**
 * `approval.decided`, a port (docs/architecture.md, "Cross-module calls and events"): announced
 * inside the decision's transaction and awaited. Approvals sits below the modules whose subjects
 * it decides and never imports them; each registers the one handler of its subject type, which
 * moves the subject's status and answers it. A decision on a subject type nobody handles fails
 * (and rolls back) rather than leaving a chain ended on a subject that never moved.
 */
@Injectable()
export class ApprovalEvents {
  private readonly handlers = new Map<SubjectType, DecisionHandler>();

  onDecided(type: SubjectType, handler: DecisionHandler): void {
    if (this.handlers.has(type)) throw new Error(`ApprovalEvents takes one ${type} handler; a second was registered`);
    this.handlers.set(type, handler);
  }

  /** The subject's status as its handler answered it. */
  async decided(event: ApprovalDecided): Promise<string> {
    const handler = this.handlers.get(event.subjectType);
    if (!handler) throw new Error(`No handler moves ${event.subjectType} subjects after a decision`);
    return handler(event);
  }
}
