import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import { diff } from '../common/changes';
import { assertAcceptablePassword } from '../common/auth/password.validators';
import type { Actor } from '../common/auth/roles';
import { Page } from '../common/pagination/page';
import { isUniqueViolation } from '../database/pg-errors';
import { Sessions } from '../sessions/sessions';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateMeDto } from './dto/update-me.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { PasswordHasher } from './password-hasher';
import { ReportingLine } from './reporting-line';
import { User } from './user.entity';
import { toUserResponse } from './user.mapper';
import { UserErrors } from './users.errors';
import { UsersRepository } from './users.repository';

const AUDITED_FIELDS: Array<keyof User> = [
  'email',
  'externalId',
  'fullName',
  'role',
  'managerId',
  'isActive',
  'emailNotifications',
  'mustChangePassword',
];

/** What an update may change: an admin's PATCH, or (e-mail and external id too) the identity provider. */
export type UserChanges = UpdateUserDto & { email?: string; external_id?: string };

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly reportingLine: ReportingLine,
    private readonly hasher: PasswordHasher,
    private readonly sessions: Sessions,
    private readonly audit: AuditService,
  ) {}

  async me(actor: Actor): Promise<UserResponseDto> {
    return this.get(actor, actor.userId);
  }

  async get(actor: Actor, id: string): Promise<UserResponseDto> {
    const user = await this.users.findById(actor.organizationId, id);
    if (!user) throw UserErrors.USER_NOT_FOUND(`User ${id} does not exist`);
    return this.respond(user);
  }

  async list(actor: Actor, query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    const page = await this.users.list(actor.organizationId, {
      role: query.role,
      isActive: query.is_active,
      q: query.q,
      limit: query.limit,
      offset: query.offset,
      cursor: query.cursor,
    });
    const teams = await this.users.teamIds(
      actor.organizationId,
      page.items.map((u) => u.id),
    );
    return { ...page, items: page.items.map((u) => toUserResponse(u, teams.get(u.id) ?? [])) };
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<UserResponseDto> {
    const user = await this.dataSource.transaction((tx) => this.createInTransaction(tx, actor, dto));
    return this.respond(user);
  }

  /**
   * Also used by organization bootstrap, which creates the first admin in its own transaction,
   * and by the identity provider's events, which bring the user's `externalId`.
   */
  async createInTransaction(
    tx: EntityManager,
    actor: Actor | SystemActor,
    dto: CreateUserDto,
    identity: { externalId?: string } = {},
  ): Promise<User> {
    const email = dto.email.toLowerCase();
    if (dto.password !== undefined) assertAcceptablePassword(dto.password, email, 'password');
    // Within the organization only: whether another organization has the address is not this admin's to learn.
    if (await this.users.emailExists(tx, actor.organizationId, email))
      throw UserErrors.EMAIL_TAKEN(`${email} is already in use in this organization`);
    if (dto.manager_id) await this.reportingLine.assertManagerExists(tx, actor.organizationId, dto.manager_id);
    const externalId = identity.externalId ?? null;
    let user: User;
    try {
      user = await this.users.insert(tx, {
        organizationId: actor.organizationId,
        email,
        fullName: dto.full_name,
        role: dto.role,
        managerId: dto.manager_id ?? null,
        passwordHash: dto.password ? await this.hasher.hash(dto.password) : null,
        externalId,
        mustChangePassword: dto.must_change_password ?? false,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_org_email_key'))
        throw UserErrors.EMAIL_TAKEN(`${email} is already in use in this organization`);
      if (isUniqueViolation(error, 'users_external_id_key'))
        throw UserErrors.EXTERNAL_ID_TAKEN(`External id ${externalId} belongs to another user`);
      throw error;
    }
    await this.audit.record(tx, actor, {
      action: 'user.created',
      entityType: 'user',
      entityId: user.id,
      metadata: {
        email,
        full_name: user.fullName,
        role: user.role,
        manager_id: user.managerId,
        has_password: user.passwordHash !== null,
        must_change_password: user.mustChangePassword,
        ...(user.externalId ? { external_id: user.externalId } : {}),
      },
    });
    return user;
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<UserResponseDto> {
    const user = await this.dataSource.transaction((tx) => this.updateInTransaction(tx, actor, id, dto));
    return this.respond(user);
  }

  /**
   * Applies the changes and audits them; nothing changed records nothing. A new password, a
   * new role or a deactivation ends every session of the user (whoever asked: an admin or the
   * identity provider), so that nothing issued under the old state outlives it.
   */
  async updateInTransaction(
    tx: EntityManager,
    actor: Actor | SystemActor,
    id: string,
    dto: UserChanges,
  ): Promise<User> {
    const current = await this.lockOrFail(tx, actor.organizationId, id);
    const before = { ...current };
    if (dto.manager_id !== undefined && dto.manager_id !== current.managerId) {
      await this.reportingLine.assertCanReportTo(tx, actor.organizationId, id, dto.manager_id);
    }
    const email = dto.email?.toLowerCase();
    if (
      email !== undefined &&
      email !== current.email &&
      (await this.users.emailExists(tx, actor.organizationId, email))
    ) {
      throw UserErrors.EMAIL_TAKEN(`${email} is already in use in this organization`);
    }
    const losesAdmin =
      current.role === 'admin' && current.isActive && ((dto.role && dto.role !== 'admin') || dto.is_active === false);
    if (losesAdmin) await this.assertAnotherAdmin(tx, actor.organizationId, id);
    Object.assign(current, {
      email: email ?? current.email,
      externalId: dto.external_id ?? current.externalId,
      fullName: dto.full_name ?? current.fullName,
      role: dto.role ?? current.role,
      managerId: dto.manager_id === undefined ? current.managerId : dto.manager_id,
      mustChangePassword: dto.must_change_password ?? current.mustChangePassword,
    });
    if (dto.is_active !== undefined && dto.is_active !== current.isActive) setActive(current, dto.is_active);
    if (dto.password !== undefined) {
      assertAcceptablePassword(dto.password, current.email, 'password');
      current.passwordHash = await this.hasher.hash(dto.password);
    }
    const changes = diff(before, current, AUDITED_FIELDS);
    if (dto.password !== undefined) changes.password = { from: '(hidden)', to: '(changed)' };
    if (Object.keys(changes).length === 0) return current;
    const endsSessions =
      dto.password !== undefined || changes.role !== undefined || (changes.isActive !== undefined && !current.isActive);
    if (endsSessions) current.tokenVersion = before.tokenVersion + 1;
    try {
      current.updatedAt = await this.users.update(tx, current);
    } catch (error) {
      if (isUniqueViolation(error, 'users_org_email_key'))
        throw UserErrors.EMAIL_TAKEN(`${current.email} is already in use in this organization`);
      if (isUniqueViolation(error, 'users_external_id_key'))
        throw UserErrors.EXTERNAL_ID_TAKEN(`External id ${current.externalId} belongs to another user`);
      throw error;
    }
    const signedOut = endsSessions ? { sessions_signed_out: await this.sessions.revokeAll(tx, current) } : {};
    await this.audit.record(tx, actor, {
      action: 'user.updated',
      entityType: 'user',
      entityId: id,
      metadata: { changes, ...signedOut },
    });
    if (changes.role) {
      await this.audit.record(tx, actor, {
        action: 'user.role_changed',
        entityType: 'user',
        entityId: id,
        metadata: changes.role,
      });
    }
    return current;
  }

  /** Soft delete: the history stays, and every token of the user stops working at once. */
  async deactivate(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction((tx) => this.deactivateInTransaction(tx, actor, id));
  }

  /** false when the user was inactive already (nothing changes, nothing is audited). */
  async deactivateInTransaction(tx: EntityManager, actor: Actor | SystemActor, id: string): Promise<boolean> {
    const user = await this.lockOrFail(tx, actor.organizationId, id);
    if (!user.isActive) return false;
    if (user.role === 'admin') await this.assertAnotherAdmin(tx, actor.organizationId, id);
    setActive(user, false);
    user.tokenVersion += 1;
    user.updatedAt = await this.users.deactivate(tx, user);
    const sessions = await this.sessions.revokeAll(tx, user);
    await this.audit.record(tx, actor, {
      action: 'user.deactivated',
      entityType: 'user',
      entityId: id,
      metadata: { email: user.email, sessions_signed_out: sessions },
    });
    return true;
  }

  /** The user `id` of the organization as stored, or null: for a sign-in with an OpenID provider's token. */
  findById(tx: EntityManager, organizationId: string, id: string): Promise<User | null> {
    return this.users.findById(organizationId, id, tx);
  }

  /**
   * The user of the organization an identity provider's event names: by the provider's id when
   * the user has been linked to it, else by e-mail. Each organization has its own provider, so
   * a user of another organization is never found.
   */
  findByIdentity(
    tx: EntityManager,
    organizationId: string,
    ref: { externalId?: string; email?: string },
  ): Promise<User | null> {
    return this.users.findByIdentity(tx, organizationId, ref);
  }

  async updateMe(actor: Actor, dto: UpdateMeDto): Promise<UserResponseDto> {
    const user = await this.dataSource.transaction(async (tx) => {
      const current = await this.lockOrFail(tx, actor.organizationId, actor.userId);
      const before = { ...current };
      current.fullName = dto.full_name?.trim() ?? current.fullName;
      current.emailNotifications = dto.email_notifications ?? current.emailNotifications;
      const changes = diff(before, current, AUDITED_FIELDS);
      // As before, an answer that changes nothing writes nothing.
      if (Object.keys(changes).length > 0) current.updatedAt = await this.users.updateProfile(tx, current);
      await this.audit.record(tx, actor, {
        action: 'user.updated',
        entityType: 'user',
        entityId: current.id,
        metadata: { changes },
      });
      return current;
    });
    return this.respond(user);
  }

  /** The user, row-locked for a change the caller makes in its transaction (null when there is none). */
  lockForChange(tx: EntityManager, organizationId: string, id: string): Promise<User | null> {
    return this.users.lockById(tx, organizationId, id);
  }

  /**
   * Stores the user's own new password hash (on the row the caller has locked), clears an
   * admin's demand for one and moves the token version on, so that every access token issued
   * before stops working; answers the new version. The caller ends the sessions.
   */
  setOwnPassword(tx: EntityManager, organizationId: string, id: string, passwordHash: string): Promise<number> {
    return this.users.setPassword(tx, organizationId, id, passwordHash);
  }

  private async lockOrFail(tx: EntityManager, organizationId: string, id: string): Promise<User> {
    const user = await this.users.lockById(tx, organizationId, id);
    if (!user) throw UserErrors.USER_NOT_FOUND(`User ${id} does not exist`);
    return user;
  }

  /**
   * The admin `leavingId` may stop being one only while another active admin who can log in
   * remains: one without a password or identity link would leave the organization with nobody
   * able to administer it. Serialized per organization so that two admins cannot demote each
   * other at once.
   */
  private async assertAnotherAdmin(tx: EntityManager, organizationId: string, leavingId: string): Promise<void> {
    await this.users.lockAdmins(tx, organizationId);
    if ((await this.users.countOtherAdminsWhoCanLogIn(tx, organizationId, leavingId)) === 0) {
      throw UserErrors.LAST_ADMIN(
        'The organization needs at least one active admin who can log in; promote another user first',
      );
    }
  }

  private async respond(user: User): Promise<UserResponseDto> {
    const teams = await this.users.teamIds(user.organizationId, [user.id]);
    return toUserResponse(user, teams.get(user.id) ?? []);
  }
}

function setActive(user: User, active: boolean): void {
  user.isActive = active;
  user.deactivatedAt = active ? null : new Date();
}
