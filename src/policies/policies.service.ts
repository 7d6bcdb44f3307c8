import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { canonicalJson } from '../common/json/canonical-json';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { Page } from '../common/pagination/page';
import { isUniqueViolation } from '../database/pg-errors';
import { CreatePolicyDto, ListPoliciesQuery, PolicyResponseDto, UpdatePolicyDto } from './dto/policy.dto';
import { PolicySnapshot } from './engine/evaluate';
import { validateRules } from './engine/rule-validation';
import { Rule } from './engine/rules';
import { PoliciesRepository } from './policies.repository';
import { Policy } from './policy.entity';
import { PolicyErrors } from './policies.errors';

/** The policy id a backtest gives a draft that is not yet a policy. */
export const DRAFT_POLICY_ID = 'draft';

@Injectable()
export class PoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PoliciesRepository,
    private readonly audit: AuditService,
  ) {}

  /** The active policies' current versions, in a stable order, for the engine. */
  async activeSnapshots(tx: EntityManager, organizationId: string): Promise<PolicySnapshot[]> {
    const policies = await this.policies.activeSnapshots(tx, organizationId);
    return policies.map((p) => ({ policyId: p.id, policyVersion: p.version, rules: p.rules }));
  }

  /**
   * The snapshots a draft would run with: the active ones, with `policyId`'s rules replaced by
   * `rules` (the policy joins the set if it is inactive), or `rules` added as one more policy.
   * The rules are checked as a create would check them (422 INVALID_POLICY_RULE); nothing is stored.
   */
  async draftSnapshots(
    tx: EntityManager,
    organizationId: string,
    draft: { policyId: string | null; rules: unknown[] },
    active: PolicySnapshot[],
  ): Promise<{ snapshots: PolicySnapshot[]; draftPolicyId: string }> {
    const rules = checkedRules(draft.rules);
    if (draft.policyId === null) {
      return {
        snapshots: [...active, { policyId: DRAFT_POLICY_ID, policyVersion: 0, rules }],
        draftPolicyId: DRAFT_POLICY_ID,
      };
    }
    const policy = await this.findOrFail(tx, organizationId, draft.policyId);
    const changed = { policyId: policy.id, policyVersion: policy.version + 1, rules };
    const replaced = active.some((s) => s.policyId === policy.id);
    return {
      snapshots: replaced ? active.map((s) => (s.policyId === policy.id ? changed : s)) : [...active, changed],
      draftPolicyId: policy.id,
    };
  }

  async list(actor: Actor, query: ListPoliciesQuery): Promise<Page<PolicyResponseDto>> {
    const [rows, total] = await this.policies.list(actor.organizationId, query);
    return { total, items: rows.map(toPolicyResponse), next_cursor: null };
  }

  async get(actor: Actor, id: string): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.findOrFail(this.dataSource.manager, actor.organizationId, id));
  }

  async create(actor: Actor, dto: CreatePolicyDto): Promise<PolicyResponseDto> {
    const rules = checkedRules(dto.rules);
    const policy = await this.dataSource.transaction(async (tx) => {
      const created = await this.named(dto.name, () =>
        this.policies.insert(tx, {
          organizationId: actor.organizationId,
          name: dto.name,
          isActive: dto.is_active ?? true,
          version: 1,
          rules,
        }),
      );
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
      current.updatedAt = await this.named(current.name, () => this.policies.update(tx, current));
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
      current.updatedAt = await this.policies.update(tx, current);
      await this.audit.record(tx, actor, {
        action: 'policy.deleted',
        entityType: 'policy',
        entityId: id,
        metadata: { name: current.name, version: current.version },
      });
    });
  }

  private async findOrFail(tx: EntityManager, organizationId: string, id: string, lock = false): Promise<Policy> {
    const policy = await this.policies.findById(tx, organizationId, id, lock);
    if (!policy) throw PolicyErrors.POLICY_NOT_FOUND(`Policy ${id} does not exist`);
    return policy;
  }

  private async recordVersion(tx: EntityManager, actor: Actor, policy: Policy): Promise<void> {
    await this.policies.insertVersion(tx, policy, actor.userId);
  }

  /** Runs a write of the policy's name, answering a taken name as the client's conflict. */
  private async named<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'policies_org_name_key'))
        throw PolicyErrors.POLICY_NAME_TAKEN(`A policy named "${name}" already exists`);
      throw error;
    }
  }
}

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
