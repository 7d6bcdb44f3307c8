import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/pg-errors';
import { applyPatch, readPatchRequest } from './core/scim-patch';
import {
  GROUP_ATTRIBUTES,
  groupFilter,
  isUuid,
  readGroup,
  ScimGroupFields,
  withoutServerFields,
} from './core/scim-user';
import { GroupMapping } from './group-mapping';
import { ScimGroup, ScimGroupsRepository } from './scim-groups.repository';
import type { ScimListQuery } from './scim-users.service';
import { listResponse, readFilter, readPage, scimCore } from './scim-request';
import { ScimErrors } from './scim.errors';
import { scimBaseUrl, toScimGroup } from './scim.mapper';

/**
 * SCIM Groups: kept as the provider pushes them, audited, and applied through the admin's
 * group mappings (GroupMapping) to the members whose groups changed, in the same transaction.
 */
@Injectable()
export class ScimGroupsService {
  private readonly base: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: ScimGroupsRepository,
    private readonly mapping: GroupMapping,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.base = scimBaseUrl(config.publicUrl);
  }

  async list(actor: Actor, query: ScimListQuery): Promise<Record<string, unknown>> {
    const tree = readFilter(query.filter);
    const page = readPage(query.startIndex, query.count);
    const filter = tree ? scimCore(() => groupFilter(tree)) : [];
    if (filter.some((f) => f.attribute === 'id' && !isUuid(f.value))) return listResponse(0, page, []);
    const withMembers = !excludesMembers(query.excludedAttributes);
    const { total, items } = await this.groups.list(
      actor.organizationId,
      filter,
      { offset: page.startIndex - 1, limit: page.count },
      withMembers,
    );
    return listResponse(
      total,
      page,
      items.map((g) => toScimGroup(g, this.base, withMembers)),
    );
  }

  async get(actor: Actor, id: string, excludedAttributes?: string): Promise<Record<string, unknown>> {
    const group = await this.findOrFail(this.dataSource.manager, actor, id);
    return toScimGroup(group, this.base, !excludesMembers(excludedAttributes));
  }

  async create(actor: Actor, body: unknown): Promise<Record<string, unknown>> {
    const fields = scimCore(() => readGroup(body));
    const id = await this.dataSource.transaction(async (tx) => {
      const created = await this.named(fields.displayName, () =>
        this.groups.insert(tx, actor.organizationId, fields.displayName, fields.externalId),
      );
      await this.audit.record(tx, actor, {
        action: 'scim.group_created',
        entityType: 'scim_group',
        entityId: created,
        metadata: { display_name: fields.displayName, external_id: fields.externalId },
      });
      await this.setMembers(tx, actor, created, [], fields.memberIds);
      return created;
    });
    return this.get(actor, id);
  }

  async replace(actor: Actor, id: string, body: unknown): Promise<Record<string, unknown>> {
    const fields = scimCore(() => readGroup(body));
    await this.dataSource.transaction(async (tx) =>
      this.store(tx, actor, await this.findOrFail(tx, actor, id, true), fields),
    );
    return this.get(actor, id);
  }

  /** PATCH: Okta and Entra add and remove members this way; answered with the group. */
  async patch(actor: Actor, id: string, body: unknown): Promise<Record<string, unknown>> {
    const operations = scimCore(() => readPatchRequest(body));
    await this.dataSource.transaction(async (tx) => {
      const group = await this.findOrFail(tx, actor, id, true);
      const patched = scimCore(() =>
        applyPatch(withoutServerFields(toScimGroup(group, this.base)), operations, GROUP_ATTRIBUTES),
      );
      await this.store(
        tx,
        actor,
        group,
        scimCore(() => readGroup(patched)),
      );
    });
    return this.get(actor, id);
  }

  /** DELETE: the group and its memberships go; its members' mapped teams and roles are worked out again. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const group = await this.findOrFail(tx, actor, id, true);
      await this.groups.delete(tx, actor.organizationId, id);
      await this.audit.record(tx, actor, {
        action: 'scim.group_deleted',
        entityType: 'scim_group',
        entityId: id,
        metadata: { display_name: group.displayName },
      });
      await this.mapping.apply(
        tx,
        actor,
        group.members.map((m) => m.id),
      );
    });
  }

  private async store(tx: EntityManager, actor: Actor, group: ScimGroup, fields: ScimGroupFields): Promise<void> {
    const renamed = fields.displayName !== group.displayName;
    if (renamed || fields.externalId !== group.externalId) {
      await this.named(fields.displayName, () =>
        this.groups.update(tx, actor.organizationId, group.id, fields.displayName, fields.externalId),
      );
      await this.audit.record(tx, actor, {
        action: 'scim.group_updated',
        entityType: 'scim_group',
        entityId: group.id,
        metadata: { display_name: { from: group.displayName, to: fields.displayName } },
      });
    }
    const before = group.members.map((m) => m.id);
    await this.setMembers(tx, actor, group.id, before, fields.memberIds);
    // A new name may fall under another mapping: everyone in the group is worked out again.
    if (renamed) await this.mapping.apply(tx, actor, fields.memberIds);
  }

  /** Moves the membership from `before` to `after` and applies the mappings to whoever changed. */
  private async setMembers(
    tx: EntityManager,
    actor: Actor,
    groupId: string,
    before: string[],
    after: string[],
  ): Promise<void> {
    const visible = await this.groups.visibleUsers(tx, actor.organizationId, after);
    const missing = after.filter((id) => !visible.has(id));
    if (missing.length > 0) throw ScimErrors.SCIM_INVALID_VALUE(`members: no User ${missing[0]} exists`);
    const added = after.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !after.includes(id));
    for (const userId of added) await this.groups.addMember(tx, actor.organizationId, groupId, userId);
    for (const userId of removed) await this.groups.removeMember(tx, actor.organizationId, groupId, userId);
    if (added.length + removed.length === 0) return;
    await this.audit.record(tx, actor, {
      action: 'scim.group_members_changed',
      entityType: 'scim_group',
      entityId: groupId,
      metadata: { added, removed },
    });
    await this.mapping.apply(tx, actor, [...added, ...removed]);
  }

  private async named<T>(displayName: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'scim_groups_display_name_key'))
        throw ScimErrors.SCIM_UNIQUENESS(`A group named "${displayName}" already exists`);
      throw error;
    }
  }

  private async findOrFail(tx: EntityManager, actor: Actor, id: string, lock = false): Promise<ScimGroup> {
    const group = isUuid(id) ? await this.groups.find(tx, actor.organizationId, id, lock) : null;
    if (!group) throw ScimErrors.SCIM_GROUP_NOT_FOUND(`Group ${id} does not exist`);
    return group;
  }
}

function excludesMembers(excluded: string | undefined): boolean {
  return (excluded ?? '').split(',').some((a) => a.trim().toLowerCase() === 'members');
}
