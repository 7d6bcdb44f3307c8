import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { countMatches } from '../common/pagination/page';
import { Approval } from './approval.entity';

/** Approval steps, always scoped by organization id. */
@Injectable()
export class ApprovalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Row-locked, so that concurrent decisions on one step are taken one after the other. */
  lockForDecision(tx: EntityManager, organizationId: string, id: string): Promise<Approval | null> {
    return tx.getRepository(Approval).createQueryBuilder('a').setLock('pessimistic_write')
      .where('a.organization_id = :organizationId AND a.id = :id', { organizationId, id }).getOne();
  }

  findNextWaiting(tx: EntityManager, approval: Approval): Promise<Approval | null> {
    return tx.findOne(Approval, {
      where: { organizationId: approval.organizationId, spendId: approval.spendId, round: approval.round, status: 'waiting' },
      order: { step: 'ASC' },
    });
  }

  /** Ends every open step of the spend (a rejection, a withdrawal, a resubmission). */
  async cancelOpen(tx: EntityManager, organizationId: string, spendId: string): Promise<void> {
    await tx.update(Approval, { organizationId, spendId, status: In(['waiting', 'pending']) }, { status: 'cancelled' });
  }

  forSpends(organizationId: string, spendIds: string[], tx: EntityManager = this.dataSource.manager): Promise<Approval[]> {
    if (spendIds.length === 0) return Promise.resolve([]);
    return tx.find(Approval, { where: { organizationId, spendId: In(spendIds) }, order: { round: 'ASC', step: 'ASC' } });
  }

  /**
   * Steps assigned to the caller: to them by name, or to a role they hold (finance: finance
   * and admins; admin: admins). Decided ones also include those the caller decided.
   */
  async listFor(actor: Actor, status: 'pending' | 'approved' | 'rejected', page: { limit: number; offset: number }): Promise<{ total: number; items: Approval[] }> {
    const roles = (['finance', 'admin'] as const).filter((role) => hasAtLeast(actor.role, role));
    const query = this.dataSource.manager.getRepository(Approval).createQueryBuilder('a')
      .where('a.organization_id = :organizationId AND a.status = :status', { organizationId: actor.organizationId, status })
      .andWhere(new Brackets((any) => {
        any.where('a.approver_user_id = :me', { me: actor.userId });
        if (roles.length > 0) any.orWhere('a.approver_role IN (:...roles) AND a.spend_owner_id <> :me', { roles, me: actor.userId });
        if (status !== 'pending') any.orWhere('a.decided_by = :me', { me: actor.userId });
      }));
    const total = await countMatches(query);
    const items = await query.orderBy('a.created_at', status === 'pending' ? 'ASC' : 'DESC').addOrderBy('a.id', 'ASC')
      .offset(page.offset).limit(page.limit).getMany();
    return { total, items };
  }

  /** Spends on which the user is (or was) a named approver: they may see those spends. */
  async spendIdsAssignedTo(organizationId: string, userId: string): Promise<string[]> {
    const rows: Array<{ spend_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT spend_id FROM approvals WHERE organization_id = $1 AND (approver_user_id = $2 OR decided_by = $2)`,
      [organizationId, userId],
    );
    return rows.map((r) => r.spend_id);
  }
}
