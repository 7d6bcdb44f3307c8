import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SystemActor } from '../../audit/audit.service';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { OrganizationsService } from '../../organizations/organizations.service';
import type { User } from '../../users/user.entity';
import { UserErrors } from '../../users/users.errors';
import { UsersService } from '../../users/users.service';
import { IdentityEventDto, IdentityEventResultDto, IdentityEventsAcceptedDto } from '../dto/identity-event.dto';
import { WebhookErrors } from '../webhooks.errors';

/** Who sent the request, for the audit entries of the changes it makes. */
export interface InboundRequest {
  requestId?: string;
  ip?: string;
}

/**
 * Applies the identity provider's events (`POST /events/webhook`) to users: create, update,
 * deactivate, change role. A request's events apply together or not at all (one
 * transaction), in order. Idempotent: an event id seen before is skipped, and an event that
 * finds the user already as it says changes nothing and audits nothing.
 */
@Injectable()
export class IdentityEventsService {
  private readonly secretDigest?: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    config: AppConfig,
  ) {
    this.secretDigest = config.webhooks.inboundSecret ? digest(config.webhooks.inboundSecret) : undefined;
  }

  /** The shared secret, compared in constant time (digests of equal length, whatever was sent). */
  assertAuthentic(secret: string | string[] | undefined): void {
    const given = typeof secret === 'string' ? secret : '';
    if (!this.secretDigest || given === '' || !timingSafeEqual(digest(given), this.secretDigest)) {
      throw WebhookErrors.WEBHOOK_UNAUTHORIZED('Unauthorized webhook source');
    }
  }

  async apply(events: IdentityEventDto[], request: InboundRequest): Promise<IdentityEventsAcceptedDto> {
    const results = await this.dataSource.transaction(async (tx) => {
      const done: IdentityEventResultDto[] = [];
      for (const [index, event] of events.entries()) {
        try {
          done.push({ index, type: event.type, ...(await this.applyOne(tx, event, request)) });
        } catch (error) {
          if (error instanceof DomainError) throw new DomainError(error.code, error.kind, `Event [${index}] (${event.type}): ${error.detail ?? error.kind.title}`, error.extras);
          throw error;
        }
      }
      return done;
    });
    return { status: 'accepted', results };
  }

  private async applyOne(tx: EntityManager, event: IdentityEventDto, request: InboundRequest): Promise<Pick<IdentityEventResultDto, 'outcome' | 'user_id'>> {
    if (event.id !== undefined) {
      const fresh: unknown[] = await tx.query(
        `INSERT INTO identity_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`, [event.id, event.type],
      );
      if (fresh.length === 0) return { outcome: 'duplicate', user_id: null };
    }
    const { data } = event;
    const user = await this.users.findByIdentity(tx, { externalId: data.external_id, email: data.email, organizationId: data.organization_id });
    const known = user && (data.organization_id === undefined || data.organization_id === user.organizationId) ? user : null;
    const as = (organizationId: string): SystemActor => ({ organizationId, userId: null, requestId: request.requestId, ip: request.ip });

    switch (event.type) {
      case 'user.created': {
        const organizationId = data.organization_id!;
        if (user && !known) throw UserErrors.EMAIL_TAKEN(`${user.email} belongs to another organization`);
        if (known) return this.update(tx, as(organizationId), known, { ...linkOf(known, data), full_name: data.full_name, role: data.role, is_active: true });
        if (!(await this.organizations.exists(tx, organizationId))) {
          throw WebhookErrors.IDENTITY_EVENT_REJECTED(`Organization ${organizationId} does not exist`);
        }
        const created = await this.users.createInTransaction(tx, as(organizationId), { email: data.email!, full_name: data.full_name!, role: data.role ?? 'employee' }, { externalId: data.external_id });
        return { outcome: 'created', user_id: created.id };
      }
      case 'user.deleted':
        if (!known) return { outcome: 'ignored', user_id: null };
        return { outcome: (await this.users.deactivateInTransaction(tx, as(known.organizationId), known.id)) ? 'deactivated' : 'unchanged', user_id: known.id };
      case 'user.updated':
      case 'role.assigned': {
        if (!known) throw UserErrors.USER_NOT_FOUND(`No user has ${data.external_id !== undefined ? `external id ${data.external_id}` : `e-mail ${data.email}`}`);
        const changes = event.type === 'role.assigned' ? { role: data.role } : { ...linkOf(known, data), full_name: data.full_name, role: data.role, is_active: data.is_active };
        return this.update(tx, as(known.organizationId), known, changes);
      }
    }
  }

  private async update(tx: EntityManager, actor: SystemActor, user: User, changes: Parameters<UsersService['updateInTransaction']>[3]) {
    const before = { email: user.email, externalId: user.externalId, fullName: user.fullName, role: user.role, isActive: user.isActive };
    const after = await this.users.updateInTransaction(tx, actor, user.id, changes);
    const same = before.email === after.email && before.externalId === after.externalId && before.fullName === after.fullName && before.role === after.role && before.isActive === after.isActive;
    return { outcome: same ? ('unchanged' as const) : ('updated' as const), user_id: user.id };
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
    email: data.email !== undefined && user.externalId !== null && user.externalId === data.external_id ? data.email : undefined,
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
