import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ApprovalRequirement } from '../policies/engine/evaluate';
import { Directory } from '../users/directory';
import type { User } from '../users/user.entity';

export interface ResolvedApprover {
  requirement: ApprovalRequirement;
  userId: string | null;
  role: 'finance' | 'admin' | null;
  note: string | null;
}

/** A chain as an evaluation stores it: one entry per step, numbered from 1. */
export interface StoredApprover {
  step: number;
  requirement: string;
  user_id: string | null;
  role: 'finance' | 'admin' | null;
  note: string | null;
}

export const storedApprovers = (chain: ResolvedApprover[]): StoredApprover[] =>
  chain.map((a, i) => ({
    step: i + 1,
    requirement: a.requirement.approver,
    user_id: a.userId,
    role: a.role,
    note: a.note,
  }));

export interface ChainContext {
  organizationId: string;
  ownerId: string;
  teamId: string | null;
}

/**
 * Turns the approvers policies name (manager, team_lead, user:<id>, finance, admin) into
 * people or roles for one spend. Whoever cannot serve (nobody configured, deactivated, the
 * owner themselves, an accountant) falls back to finance, and the note says so.
 */
@Injectable()
export class ApproverResolver {
  constructor(private readonly directory: Directory) {}

  async resolve(
    tx: EntityManager,
    context: ChainContext,
    requirements: ApprovalRequirement[],
  ): Promise<ResolvedApprover[]> {
    const resolved: ResolvedApprover[] = [];
    for (const requirement of requirements) {
      const approver = await this.resolveOne(tx, context, requirement);
      // Two rules that land on the same person or role make one step, not two.
      if (!resolved.some((r) => r.userId === approver.userId && r.role === approver.role)) resolved.push(approver);
    }
    return resolved;
  }

  private async resolveOne(
    tx: EntityManager,
    context: ChainContext,
    requirement: ApprovalRequirement,
  ): Promise<ResolvedApprover> {
    const spec = requirement.approver;
    if (spec === 'finance' || spec === 'admin') return { requirement, userId: null, role: spec, note: null };
    const fallback = (why: string): ResolvedApprover => ({
      requirement,
      userId: null,
      role: 'finance',
      note: `${spec}: ${why}; falls back to finance`,
    });
    let candidate: string | null;
    let user: User | null | undefined;
    if (spec === 'manager') {
      // The owner's manager_id and that user, in one read.
      const line = await this.directory.managerOf(tx, context.organizationId, context.ownerId);
      candidate = line?.managerId ?? null;
      if (!candidate) return fallback('the owner has no manager');
      user = line?.manager ?? null;
    } else if (spec === 'team_lead') {
      if (!context.teamId) return fallback('the spend has no team');
      candidate = await this.directory.teamLeadOf(context.organizationId, context.teamId, tx);
      if (!candidate) return fallback("the spend's team has no lead");
    } else {
      candidate = spec.slice('user:'.length);
    }
    if (candidate === context.ownerId) return fallback("that is the spend's owner, who cannot approve their own spend");
    if (user === undefined) user = await this.directory.user(context.organizationId, candidate, tx);
    if (!user || !user.isActive) return fallback(`${candidate} is not an active user of this organization`);
    if (user.role === 'accountant') return fallback(`${candidate} is an accountant, who never approves`);
    return { requirement, userId: user.id, role: null, note: null };
  }
}
