import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/roles';

export type ChainOutcome = 'advanced' | 'approved' | 'rejected';

export interface ApprovalDecided {
  /** The decision's transaction: whatever a listener writes commits or rolls back with it. */
  tx: EntityManager;
  actor: Actor;
  organizationId: string;
  spendId: string;
  approvalId: string;
  outcome: ChainOutcome;
  comment: string | null;
}

/** Moves the spend after a decision, in its transaction, and answers the spend's status. */
type Handler = (event: ApprovalDecided) => Promise<string>;

/**
 * `approval.decided`, a port (docs/architecture.md, "Cross-module calls and events"): announced
 * inside the decision's transaction and awaited. Approvals sits below spends and never imports
 * it; spends registers the one handler, which moves the spend's status and answers it.
 */
@Injectable()
export class ApprovalEvents {
  private handler?: Handler;

  onDecided(handler: Handler): void {
    if (this.handler) throw new Error('ApprovalEvents takes one handler; a second was registered');
    this.handler = handler;
  }

  /** The spend status the handler answered; undefined when none is registered. */
  async decided(event: ApprovalDecided): Promise<string | undefined> {
    return this.handler?.(event);
  }
}
