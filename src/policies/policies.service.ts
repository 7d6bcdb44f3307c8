import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { canonicalJson } from '../audit/audit-hash';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { Page } from '../common/pagination/page';
import { isUniqueViolation } from '../database/pg-errors';
import { runSql } from '../database/sql';
import { CreatePolicyDto, ListPoliciesQuery, PolicyResponseDto, UpdatePolicyDto } from './dto/policy.dto';
import { PolicySnapshot } from './engine/evaluate';
import { Rule, validateRules } from './engine/rules';
import { Policy, PolicyVersion } from './policy.entity';
import { PolicyErrors } from './policies.errors';

@Injectable()
export class PoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The active policies' current versions, in a stable order, for the engine. */
  async activeSnapshots(tx: EntityManager, organizationId: string): Promise<PolicySnapshot[]> {
    const policies = await runSql<{ id: string; version: number; rules: Rule[] }>(tx, ACTIVE_SNAPSHOTS, [
      organizationId,
    ]);
    return policies.map((p) => ({ policyId: p.id, policyVersion: p.version, rules: p.rules }));
  }

  async list(actor: Actor, query: ListPoliciesQuery): Promise<Page<PolicyResponseDto>> {
    const [rows, total] = await this.dataSource.manager.findAndCount(Policy, {
      where: { organizationId: actor.organizationId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return { total, items: rows.map(toPolicyResponse), next_cursor: null };
  }

  async get(actor: Actor, id: string): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.findOrFail(this.dataSource.manager, actor.organizationId, id));
  }

  async create(actor: Actor, dto: CreatePolicyDto): Promise<PolicyResponseDto> {
    const rules = checkedRules(dto.rules);
    const policy = await this.dataSource.transaction(async (tx) => {
      const created = tx.create(Policy, {
        organizationId: actor.organizationId,
        name: dto.name,
        isActive: dto.is_active ?? true,
        version: 1,
        rules,
      });
      await this.saveNamed(tx, created);
      await this.recordVersion(tx, actor, created);
      await this.audit.record(tx, actor, {
        action: 'policy.created',
        entityType: 'policy',
        entityId: created.id,
        metadata: { name: created.name, is_active: created.isActive, version: 1, rules },
      });
      return created;
    });
    return toPolicyResponse(policy);
  }

  async update(actor: Actor, id: string, dto: UpdatePolicyDto): Promise<PolicyResponseDto> {
    const rules = dto.rules === undefined ? undefined : checkedRules(dto.rules);
    const policy = await this.dataSource.transaction(async (tx) => {
      const current = await this.findOrFail(tx, actor.organizationId, id, true);
      const before = { ...current };
      current.name = dto.name ?? current.name;
      current.isActive = dto.is_active ?? current.isActive;
      // jsonb stores keys in its own order: the same rules read back compare equal only canonically.
      if (rules !== undefined && canonicalJson(rules) !== canonicalJson(current.rules)) current.rules = rules;
      const changes = diff(before, current, ['name', 'isActive', 'rules']);
      if (Object.keys(changes).length === 0) return current;
      current.version += 1;
      await this.saveNamed(tx, current);
      await this.recordVersion(tx, actor, current);
      await this.audit.record(tx, actor, {
        action: 'policy.updated',
        entityType: 'policy',
        entityId: id,
        metadata: { version: current.version, changes },
      });
      return current;
    });
    return toPolicyResponse(policy);
  }

  /** Soft delete: the policy stops applying; its versions stay for past evaluations. */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const current = await this.findOrFail(tx, actor.organizationId, id, true);
      current.deletedAt = new Date();
      current.isActive = false;
      await tx.save(current);
      await this.audit.record(tx, actor, {
        action: 'policy.deleted',
        entityType: 'policy',
        entityId: id,
        metadata: { name: current.name, version: current.version },
      });
    });
  }

  private async findOrFail(tx: EntityManager, organizationId: string, id: string, lock = false): Promise<Policy> {
    const query = tx
      .getRepository(Policy)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId AND p.id = :id AND p.deleted_at IS NULL', { organizationId, id });
    if (lock) query.setLock('pessimistic_write');
    const policy = await query.getOne();
    if (!policy) throw PolicyErrors.POLICY_NOT_FOUND(`Policy ${id} does not exist`);
    return policy;
  }

  private async recordVersion(tx: EntityManager, actor: Actor, policy: Policy): Promise<void> {
    await tx.insert(PolicyVersion, {
      policyId: policy.id,
      version: policy.version,
      organizationId: policy.organizationId,
      name: policy.name,
      isActive: policy.isActive,
      rules: policy.rules as never,
      createdBy: actor.userId,
    });
  }

  private async saveNamed(tx: EntityManager, policy: Policy): Promise<void> {
    try {
      await tx.save(policy);
    } catch (error) {
      if (isUniqueViolation(error, 'policies_org_name_key'))
        throw PolicyErrors.POLICY_NAME_TAKEN(`A policy named "${policy.name}" already exists`);
      throw error;
    }
  }
}

/** Read on every submission (policies_org_active_idx). */
export const ACTIVE_SNAPSHOTS = {
  name: 'policies.active_snapshots',
  text: 'SELECT id, version, rules FROM policies WHERE organization_id = $1 AND is_active AND deleted_at IS NULL ORDER BY created_at, id',
};

function checkedRules(raw: unknown[]): Rule[] {
  const { rules, problems } = validateRules(raw);
  if (problems.length > 0) {
    throw PolicyErrors.INVALID_POLICY_RULE(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the rules; nothing was saved`,
      {
        errors: problems.map((p) => ({ field: p.path, message: p.message })),
      },
    );
  }
  return rules;
}

function toPolicyResponse(policy: Policy): PolicyResponseDto {
  return {
    id: policy.id,
    name: policy.name,
    is_active: policy.isActive,
    version: policy.version,
    rules: policy.rules,
    created_at: policy.createdAt.toISOString(),
    updated_at: policy.updatedAt.toISOString(),
  };
}
