import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/roles';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { applyPatch, readPatchRequest } from './core/scim-patch';
import { isUuid, readUser, ScimUserFields, USER_ATTRIBUTES, userFilter, withoutServerFields } from './core/scim-user';
import { GroupMapping } from './group-mapping';
import { listResponse, readFilter, readPage, scimCore } from './scim-request';
import { ScimErrors } from './scim.errors';
import { scimBaseUrl, toScimUser } from './scim.mapper';
import { ScimUserRecord, ScimUsersRepository } from './scim-users.repository';

export interface ScimListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  excludedAttributes?: string;
}

/**
 * SCIM Users over Spendin's users: every change goes through UsersService (audited; a
 * deactivation or a role change ends the user's sessions), in one transaction with what SCIM
 * keeps beside the user. Scoped to the API key's organization: another organization's users
 * are never found (404, or an empty list).
 */
@Injectable()
export class ScimUsersService {
  private readonly base: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly records: ScimUsersRepository,
    private readonly mapping: GroupMapping,
    config: AppConfig,
  ) {
    this.base = scimBaseUrl(config.publicUrl);
  }

  async list(actor: Actor, query: ScimListQuery): Promise<Record<string, unknown>> {
    const tree = readFilter(query.filter);
    const page = readPage(query.startIndex, query.count);
    const filter = tree ? scimCore(() => userFilter(tree)) : [];
    // An id that is no UUID names nobody (and must not reach PostgreSQL as one).
    if (filter.some((f) => f.attribute === 'id' && !isUuid(f.value))) return listResponse(0, page, []);
    const { total, items } = await this.records.list(actor.organizationId, filter, {
      offset: page.startIndex - 1,
      limit: page.count,
    });
    return listResponse(
      total,
      page,
      items.map((r) => toScimUser(r, this.base)),
    );
  }

  async get(actor: Actor, id: string): Promise<Record<string, unknown>> {
    return toScimUser(await this.findOrFail(this.dataSource.manager, actor, id), this.base);
  }

  /** POST /Users: a new user (employee, no password: they sign in through the provider), or one SCIM deleted, back. */
  async create(actor: Actor, body: unknown): Promise<Record<string, unknown>> {
    const fields = scimCore(() => readUser(body));
    const id = await this.dataSource.transaction(async (tx) => {
      if (await this.records.userNameTaken(tx, actor.organizationId, fields.userName, null))
        throw ScimErrors.SCIM_UNIQUENESS(`userName ${fields.userName} is already in use`);
      const returning = await this.records.findDeletedByEmail(tx, actor.organizationId, fields.email);
      if (returning) {
        await this.store(tx, actor, returning, fields);
        return returning;
      }
      const user = await this.users.createInTransaction(
        tx,
        actor,
        { email: fields.email, full_name: fields.fullName, role: 'employee' },
        fields.externalId !== null ? { externalId: fields.externalId } : {},
      );
      if (!fields.active) await this.users.updateInTransaction(tx, actor, user.id, { is_active: false });
      await this.records.upsert(tx, actor.organizationId, user.id, fields);
      return user.id;
    });
    return this.get(actor, id);
  }

  /** PUT /Users/{id}: the user as sent (what is left out keeps Spendin's value: e-mail, name). */
  async replace(actor: Actor, id: string, body: unknown): Promise<Record<string, unknown>> {
    const fields = scimCore(() => readUser(body));
    await this.dataSource.transaction(async (tx) => {
      await this.findOrFail(tx, actor, id);
      await this.store(tx, actor, id, fields);
    });
    return this.get(actor, id);
  }

  async patch(actor: Actor, id: string, body: unknown): Promise<Record<string, unknown>> {
    const operations = scimCore(() => readPatchRequest(body));
    await this.dataSource.transaction(async (tx) => {
      const current = toScimUser(await this.findOrFail(tx, actor, id), this.base);
      const fields = scimCore(() => readUser(applyPatch(withoutServerFields(current), operations, USER_ATTRIBUTES)));
      await this.store(tx, actor, id, fields);
    });
    return this.get(actor, id);
  }

  /**
   * DELETE /Users/{id}: Spendin keeps the person's spends and audit trail, so the user is
   * deactivated (sessions end), taken out of their groups (and so of mapped teams and roles),
   * and hidden from SCIM from then on
   * (404); creating them again with the same e-mail brings them back.
   */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const record = await this.findOrFail(tx, actor, id);
      await this.users.deactivateInTransaction(tx, actor, id);
      if (record.groups.length > 0) {
        // Out of their groups, so out of the mapped teams and back to the default role.
        await this.records.leaveGroups(tx, actor.organizationId, id);
        await this.mapping.apply(tx, actor, [id]);
      }
      await this.records.markDeleted(tx, actor.organizationId, id);
    });
  }

  private async store(tx: EntityManager, actor: Actor, id: string, fields: ScimUserFields): Promise<void> {
    if (await this.records.userNameTaken(tx, actor.organizationId, fields.userName, id))
      throw ScimErrors.SCIM_UNIQUENESS(`userName ${fields.userName} is already in use`);
    await this.users.updateInTransaction(tx, actor, id, {
      email: fields.email,
      full_name: fields.fullName,
      is_active: fields.active,
      ...(fields.externalId !== null ? { external_id: fields.externalId } : {}),
    });
    await this.records.upsert(tx, actor.organizationId, id, fields);
  }

  private async findOrFail(tx: EntityManager, actor: Actor, id: string): Promise<ScimUserRecord> {
    const record = isUuid(id) ? await this.records.find(tx, actor.organizationId, id) : null;
    if (!record) throw ScimErrors.SCIM_USER_NOT_FOUND(`User ${id} does not exist`);
    return record;
  }
}
