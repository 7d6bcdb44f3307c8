import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SystemActor } from '../../audit/audit.service';
import type { Role } from '../../common/auth/roles';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { OrganizationsService } from '../../organizations/organizations.service';
import type { User } from '../../users/user.entity';
import { UserErrors } from '../../users/users.errors';
import { UsersService } from '../../users/users.service';
import { IdentityEventDto, IdentityEventResultDto, IdentityEventsAcceptedDto } from '../dto/identity-event.dto';
import { WebhookErrors } from '../webhooks.errors';
import { IdentityProvidersRepository } from './identity-providers.repository';

/** Who sent the request, for the audit entries of the changes it makes. */
export interface InboundRequest {
  requestId?: string;
  ip?: string;
}

type Outcome = Pick<IdentityEventResultDto, 'outcome' | 'user_id'>;

/**
 * Applies an organization's identity-provider events (`POST /events/webhook/{organization_id}`,
 * signature already checked) to that organization's users, through UsersService so that
 * every rule of a change made by an admin holds: create, update, deactivate, change role. A
 * request's events apply together or not at all (one transaction), in order. Idempotent: an
 * event id the organization's provider sent before is skipped, and an event that finds the
 * user already as it says changes nothing and audits nothing. Nothing outside the
 * organization is found or changed. The provider may make someone an active admin only when
 * the organization allows it (`identity_provider_grants_admin`).
 */
@Injectable()
export class IdentityEventsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('IdentityEvents');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly providers: IdentityProvidersRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const warning of this.config.retired) this.logger.warn(warning);
  }

  async apply(
    organizationId: string,
    events: IdentityEventDto[],
    request: InboundRequest,
  ): Promise<IdentityEventsAcceptedDto> {
    const results = await this.dataSource.transaction(async (tx) => {
      const done: IdentityEventResultDto[] = [];
      for (const [index, event] of events.entries()) {
        try {
          done.push({ index, type: event.type, ...(await this.applyOne(tx, organizationId, event, request)) });
        } catch (error) {
          if (error instanceof DomainError)
            throw new DomainError(
              error.code,
              error.kind,
              `Event [${index}] (${event.type}): ${error.detail ?? error.kind.title}`,
              error.extras,
            );
          throw error;
        }
      }
      return done;
    });
    return { status: 'accepted', results };
  }

  private async applyOne(
    tx: EntityManager,
    organizationId: string,
    event: IdentityEventDto,
    request: InboundRequest,
  ): Promise<Outcome> {
    const { data } = event;
    if (data.organization_id !== undefined && data.organization_id.toLowerCase() !== organizationId) {
      throw WebhookErrors.IDENTITY_EVENT_REJECTED(
        `data.organization_id ${data.organization_id} is not the organization of this endpoint`,
      );
    }
    if (!(await this.providers.recordEvent(tx, organizationId, event.id, event.type)))
      return { outcome: 'duplicate', user_id: null };
    const user = await this.users.findByIdentity(tx, organizationId, {
      externalId: data.external_id,
      email: data.email,
    });
    const actor: SystemActor = { organizationId, userId: null, requestId: request.requestId, ip: request.ip };

    switch (event.type) {
      case 'user.created': {
        if (user) {
          await this.assertMayGrant(tx, organizationId, user, data.role, true);
          return this.update(tx, actor, user, {
            ...linkOf(user, data),
            full_name: data.full_name,
            role: data.role,
            is_active: true,
          });
        }
        const role = data.role ?? 'employee';
        await this.assertMayGrant(tx, organizationId, null, role, true);
        const created = await this.users.createInTransaction(
          tx,
          actor,
          { email: data.email!, full_name: data.full_name!, role },
          { externalId: data.external_id },
        );
        return { outcome: 'created', user_id: created.id };
      }
      case 'user.deleted':
        if (!user) return { outcome: 'ignored', user_id: null };
        return {
          outcome: (await this.users.deactivateInTransaction(tx, actor, user.id)) ? 'deactivated' : 'unchanged',
          user_id: user.id,
        };
      case 'user.updated':
      case 'role.assigned': {
        if (!user)
          throw UserErrors.USER_NOT_FOUND(
            `No user has ${data.external_id !== undefined ? `external id ${data.external_id}` : `e-mail ${data.email}`}`,
          );
        const changes =
          event.type === 'role.assigned'
            ? { role: data.role }
            : { ...linkOf(user, data), full_name: data.full_name, role: data.role, is_active: data.is_active };
        await this.assertMayGrant(
          tx,
          organizationId,
          user,
          changes.role,
          'is_active' in changes ? changes.is_active : undefined,
        );
        return this.update(tx, actor, user, changes);
      }
    }
  }

  /**
   * Refuses an event that would make someone an active admin who is not one now (a new admin,
   * a promotion, the reactivation of a deactivated admin), unless the organization lets its
   * provider do that: otherwise whoever holds the provider's secret (or the provider's own
   * console) would hold the organization's admin role too.
   */
  private async assertMayGrant(
    tx: EntityManager,
    organizationId: string,
    user: User | null,
    role: Role | undefined,
    isActive: boolean | undefined,
  ): Promise<void> {
    const activeAdminBefore = user !== null && user.role === 'admin' && user.isActive;
    const activeAdminAfter = (role ?? user?.role) === 'admin' && (isActive ?? user?.isActive ?? true);
    if (!activeAdminAfter || activeAdminBefore) return;
    if ((await this.organizations.settings(tx, organizationId)).identity_provider_grants_admin === true) return;
    throw WebhookErrors.IDENTITY_ADMIN_GRANT_DISABLED(
      'This organization does not let its identity provider make anyone an admin; an admin can allow it with PATCH /organization {"settings": {"identity_provider_grants_admin": true}}',
    );
  }

  private async update(
    tx: EntityManager,
    actor: SystemActor,
    user: User,
    changes: Parameters<UsersService['updateInTransaction']>[3],
  ): Promise<Outcome> {
    const before = {
      email: user.email,
      externalId: user.externalId,
      fullName: user.fullName,
      role: user.role,
      isActive: user.isActive,
    };
    const after = await this.users.updateInTransaction(tx, actor, user.id, changes);
    const same =
      before.email === after.email &&
      before.externalId === after.externalId &&
      before.fullName === after.fullName &&
      before.role === after.role &&
      before.isActive === after.isActive;
    return { outcome: same ? 'unchanged' : 'updated', user_id: user.id };
  }
}

/**
 * The identity fields an event may change: a new external id links the user (found by
 * e-mail); a different e-mail is the user's new address only when the user was found by a
 * linked external id (otherwise the e-mail is what found the user, so it is the same).
 */
function linkOf(user: User, data: IdentityEventDto['data']): { external_id?: string; email?: string } {
  return {
    external_id: data.external_id !== undefined && data.external_id !== user.externalId ? data.external_id : undefined,
    email:
      data.email !== undefined && user.externalId !== null && user.externalId === data.external_id
        ? data.email
        : undefined,
  };
}
