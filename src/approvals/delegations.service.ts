import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { OutboxService } from '../common/outbox/outbox.service';
import { Page } from '../common/pagination/page';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { isExclusionViolation } from '../database/pg-errors';
import { Directory } from '../users/directory';
import type { Delegation } from './delegation';
import { DelegationErrors } from './delegations.errors';
import { DelegationsRepository } from './delegations.repository';
import { CreateDelegationDto, DelegationResponseDto } from './dto/delegation.dto';

const NO_OVERLAP_CONSTRAINT = 'approval_delegations_no_overlap';
const MAX_DAYS = 366;

/**
 * Approval delegation: a user (or an admin for them) lets another user decide the steps assigned
 * to them by name over a date range. The delegate is an active manager, finance or admin of the
 * organization; a delegator has one delegation on any day; a delegation is never passed on, and
 * two people never delegate to each other over the same days.
 */
@Injectable()
export class DelegationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly delegations: DelegationsRepository,
    private readonly directory: Directory,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** The admin routes' delegator: a user of the caller's organization, else 404. */
  async assertUser(actor: Actor, userId: string): Promise<void> {
    if (!(await this.directory.user(actor.organizationId, userId)))
      throw DelegationErrors.DELEGATOR_NOT_FOUND(`User ${userId} does not exist`);
  }

  async create(actor: Actor, delegatorId: string, dto: CreateDelegationDto): Promise<DelegationResponseDto> {
    assertRange(dto.starts_on, dto.ends_on);
    if (dto.delegate_id === delegatorId)
      throw DelegationErrors.DELEGATE_NOT_ELIGIBLE('Nobody delegates to themselves', {
        errors: [{ field: 'delegate_id', message: 'must be someone else' }],
      });
    const delegation = await this.dataSource.transaction(async (tx) => {
      await this.assertEligibleDelegate(tx, actor.organizationId, dto.delegate_id);
      await this.delegations.lockOrganization(tx, actor.organizationId);
      const range = { startsOn: dto.starts_on, endsOn: dto.ends_on };
      const clash = await this.delegations.findOverlapping(tx, actor.organizationId, delegatorId, null, range);
      if (clash)
        throw DelegationErrors.DELEGATION_OVERLAP(
          `Delegation ${clash.id} (${clash.startsOn} to ${clash.endsOn}) already covers some of these days; revoke it first`,
        );
      const reverse = await this.delegations.findOverlapping(
        tx,
        actor.organizationId,
        dto.delegate_id,
        delegatorId,
        range,
      );
      if (reverse)
        throw DelegationErrors.DELEGATION_CYCLE(
          `The delegate delegates to this user from ${reverse.startsOn} to ${reverse.endsOn} (delegation ${reverse.id})`,
        );
      const created = await this.withoutOverlap(() =>
        this.delegations.insert(tx, {
          organizationId: actor.organizationId,
          delegatorId,
          delegateId: dto.delegate_id,
          startsOn: dto.starts_on,
          endsOn: dto.ends_on,
          reason: dto.reason ?? null,
          createdBy: actor.userId,
        }),
      );
      await this.audit.record(tx, actor, {
        action: 'approval_delegation.created',
        entityType: 'approval_delegation',
        entityId: created.id,
        metadata: auditOf(created),
      });
      const delegator = await this.directory.user(actor.organizationId, delegatorId, tx);
      await this.outbox.enqueue(tx, actor.organizationId, 'approval_delegation.created', {
        delegation_id: created.id,
        delegator_id: delegatorId,
        delegator_name: delegator?.fullName ?? '',
        delegate_id: created.delegateId,
        starts_on: created.startsOn,
        ends_on: created.endsOn,
        reason: created.reason,
        created_by: created.createdBy,
      });
      return created;
    });
    return toDelegationResponse(delegation);
  }

  async list(
    actor: Actor,
    userId: string,
    received: boolean,
    query: PageQueryDto,
  ): Promise<Page<DelegationResponseDto>> {
    const { total, items } = await this.delegations.listOf(actor.organizationId, userId, received, query);
    return { total, items: items.map(toDelegationResponse), next_cursor: null };
  }

  /** Revokes one of the delegator's delegations; revoking it again answers it unchanged. */
  async revoke(actor: Actor, delegatorId: string, id: string): Promise<DelegationResponseDto> {
    const delegation = await this.dataSource.transaction(async (tx) => {
      const locked = await this.delegations.findOfDelegatorForUpdate(tx, actor.organizationId, delegatorId, id);
      if (!locked) throw DelegationErrors.DELEGATION_NOT_FOUND(`Delegation ${id} does not exist`);
      if (locked.revokedAt) return locked;
      const revoked = await this.delegations.revoke(tx, actor.organizationId, id, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'approval_delegation.revoked',
        entityType: 'approval_delegation',
        entityId: id,
        metadata: auditOf(revoked),
      });
      return revoked;
    });
    return toDelegationResponse(delegation);
  }

  /**
   * Whether the caller decides today, as delegate, a step assigned by name to `approverId`: only
   * a delegation from that person to the caller counts, never one passed on by a delegate.
   */
  delegatesToday(tx: EntityManager, organizationId: string, approverId: string, callerId: string): Promise<boolean> {
    return this.delegations.delegatesToday(tx, organizationId, approverId, callerId);
  }

  private async assertEligibleDelegate(tx: EntityManager, organizationId: string, delegateId: string): Promise<void> {
    const delegate = await this.directory.user(organizationId, delegateId, tx);
    if (!delegate || !delegate.isActive || delegate.role === 'accountant' || !hasAtLeast(delegate.role, 'manager'))
      throw DelegationErrors.DELEGATE_NOT_ELIGIBLE(
        'delegate_id must name an active user of this organization with the manager role or above',
        { errors: [{ field: 'delegate_id', message: 'must be an active manager, finance or admin' }] },
      );
  }

  private async withoutOverlap<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isExclusionViolation(error, NO_OVERLAP_CONSTRAINT))
        throw DelegationErrors.DELEGATION_OVERLAP('Another delegation of this user already covers some of these days');
      throw error;
    }
  }
}

function assertRange(startsOn: string, endsOn: string): void {
  const days = (Date.parse(endsOn) - Date.parse(startsOn)) / 86_400_000;
  const today = new Date().toISOString().slice(0, 10);
  const problem =
    days < 0
      ? 'ends_on is before starts_on'
      : days > MAX_DAYS
        ? 'a delegation lasts at most a year'
        : endsOn < today
          ? 'ends_on is in the past'
          : null;
  if (problem)
    throw DelegationErrors.DELEGATION_RANGE_INVALID(`The range ${startsOn} to ${endsOn} is invalid: ${problem}`, {
      errors: [{ field: 'ends_on', message: problem }],
    });
}

function auditOf(d: Delegation) {
  return {
    delegator_id: d.delegatorId,
    delegate_id: d.delegateId,
    starts_on: d.startsOn,
    ends_on: d.endsOn,
    reason: d.reason,
    revoked_at: d.revokedAt?.toISOString() ?? null,
  };
}

export function toDelegationResponse(d: Delegation): DelegationResponseDto {
  return {
    id: d.id,
    delegator_id: d.delegatorId,
    delegate_id: d.delegateId,
    starts_on: d.startsOn,
    ends_on: d.endsOn,
    reason: d.reason,
    created_by: d.createdBy,
    revoked_at: d.revokedAt?.toISOString() ?? null,
    active: d.active,
    created_at: d.createdAt.toISOString(),
  };
}
