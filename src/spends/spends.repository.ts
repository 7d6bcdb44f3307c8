import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { countMatches, decodeCursor, Page, toPage } from '../common/pagination/page';
import { ListSpendsQuery } from './dto/spend-query.dto';
import { SpendScope } from './spend-access';
import { Spend } from './spend.entity';

/** Spends, always scoped by organization id and, for reads, by the caller's visibility. */
@Injectable()
export class SpendsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findVisible(organizationId: string, scope: SpendScope, id: string): Promise<Spend | null> {
    const query = this.dataSource.manager.getRepository(Spend).createQueryBuilder('s')
      .where('s.organization_id = :organizationId AND s.id = :id', { organizationId, id });
    return restrictTo(query, scope).getOne();
  }

  /** Row-locked read for a change that depends on the spend's current state. */
  lockById(tx: EntityManager, organizationId: string, id: string): Promise<Spend | null> {
    return tx.getRepository(Spend).createQueryBuilder('s').setLock('pessimistic_write')
      .where('s.organization_id = :organizationId AND s.id = :id', { organizationId, id }).getOne();
  }

  /** Newest spend_date first; `total` counts every match of the filter. */
  async listVisible(organizationId: string, scope: SpendScope, filter: ListSpendsQuery): Promise<Page<Spend>> {
    const query = this.dataSource.manager.getRepository(Spend).createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId });
    restrictTo(query, scope);
    if (filter.status) query.andWhere('s.status = :status', { status: filter.status });
    if (filter.user_id) query.andWhere('s.user_id = :userId', { userId: filter.user_id });
    if (filter.team_id) query.andWhere('s.team_id = :teamId', { teamId: filter.team_id });
    if (filter.category_id) query.andWhere('s.category_id = :categoryId', { categoryId: filter.category_id });
    if (filter.from) query.andWhere('s.spend_date >= :from', { from: filter.from });
    if (filter.to) query.andWhere('s.spend_date <= :to', { to: filter.to });
    const total = await countMatches(query);
    if (filter.cursor) {
      const [date, id] = decodeCursor(filter.cursor, ['date', 'uuid']);
      query.andWhere('(s.spend_date, s.id) < (:date, :id)', { date, id });
    } else {
      query.offset(filter.offset);
    }
    const items = await query.orderBy('s.spend_date', 'DESC').addOrderBy('s.id', 'DESC').limit(filter.limit).getMany();
    return toPage(items, total, filter, (last) => [last.spendDate, last.id]);
  }

  /**
   * Another live spend of the same owner with the same amount, currency, date and merchant
   * (case-insensitive) or vendor: a likely double submission.
   */
  async hasDuplicate(tx: EntityManager, spend: Spend): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM spends
       WHERE organization_id = $1 AND user_id = $2 AND spend_date = $3 AND amount_minor = $4 AND currency = $5
         AND id <> $6 AND status <> 'cancelled'
         AND (lower(merchant) IS NOT DISTINCT FROM lower($7) OR (vendor_id IS NOT NULL AND vendor_id = $8))
       LIMIT 1`,
      [spend.organizationId, spend.userId, spend.spendDate, spend.amountMinor, spend.currency, spend.id, spend.merchant, spend.vendorId],
    );
    return rows.length > 0;
  }
}

/** The caller's visibility as a WHERE clause on alias `s`; reports aggregate through the same one. */
export function restrictTo(query: SelectQueryBuilder<Spend>, scope: SpendScope): SelectQueryBuilder<Spend> {
  if (scope.organizationWide) return query;
  return query.andWhere(new Brackets((visible) => {
    visible.where('s.user_id = ANY(:scopeUsers)', { scopeUsers: scope.userIds });
    if (scope.teamIds.length > 0) visible.orWhere('s.team_id = ANY(:scopeTeams)', { scopeTeams: scope.teamIds });
    if (scope.spendIds.length > 0) visible.orWhere('s.id = ANY(:scopeSpends)', { scopeSpends: scope.spendIds });
  }));
}
