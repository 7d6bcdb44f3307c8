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

/** A listener may answer the spend's status after it reacted. */
type Listener = (event: ApprovalDecided) => Promise<string | void>;

/**
 * `approval.decided`, announced inside the decision's transaction and awaited. Approvals sits
 * below spends and never imports it; spends listens and moves the spend's status.
 */
@Injectable()
export class ApprovalEvents {
  private readonly listeners: Listener[] = [];

  onDecided(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Runs every listener in order; answers the spend status the last one reported, if any. */
  async decided(event: ApprovalDecided): Promise<string | undefined> {
    let spendStatus: string | undefined;
    for (const listener of this.listeners) spendStatus = (await listener(event)) ?? spendStatus;
    return spendStatus;
  }
}
