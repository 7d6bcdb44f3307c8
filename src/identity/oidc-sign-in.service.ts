import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import { CredentialErrors } from '../common/auth/credential.errors';
import type { Role } from '../common/auth/roles';
import { DomainError } from '../common/errors/domain-error';
import type { User } from '../users/user.entity';
import { UserErrors } from '../users/users.errors';
import { UsersService } from '../users/users.service';
import type { OidcProvider } from './oidc-providers.repository';
import { claimValues, mappedRole } from './role-mapping';
import { UserIdentitiesRepository } from './user-identities.repository';

/** The Spendin user a verified token names. */
export interface OidcCaller {
  userId: string;
  organizationId: string;
  role: Role;
  mustChangePassword: boolean;
}

/** Who made the request, for the audit entries a sign-in writes. */
export interface SignInRequest {
  requestId?: string;
  ip?: string;
}

/**
 * Turns the claims of a token already verified against the organization's provider into a
 * Spendin user of that organization: the user linked to (issuer, sub); else, once, the user
 * whose e-mail the provider says is verified (`email_verified: true`), then linked; else a new
 * user when the organization creates users just in time. When a roles claim is configured the
 * provider decides the role: it is applied on every sign-in (through UsersService, audited).
 * A user deactivated in Spendin is refused whatever the token says.
 */
@Injectable()
export class OidcSignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identities: UserIdentitiesRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async signIn(provider: OidcProvider, claims: Record<string, unknown>, request: SignInRequest): Promise<OidcCaller> {
    const subject = claims.sub as string;
    const linked = await this.identities.userOf(provider.organizationId, provider.issuer, subject);
    const role = provider.rolesClaim ? this.roleOf(provider, claims) : null;
    if (linked) {
      const user = await this.users.findById(this.dataSource.manager, provider.organizationId, linked);
      if (!user) throw unknown('The user linked to this identity no longer exists');
      if (!user.isActive) throw deactivated();
      if (role === null || role === user.role) return callerOf(user);
    }
    try {
      return await this.dataSource.transaction((tx) => this.resolve(tx, provider, claims, role, request));
    } catch (error) {
      // A concurrent first sign-in of the same person linked or created them first: use theirs.
      if (error instanceof DomainError && error.code === UserErrors.EMAIL_TAKEN.code)
        return this.dataSource.transaction((tx) => this.resolve(tx, provider, claims, role, request));
      throw error;
    }
  }

  private async resolve(
    tx: EntityManager,
    provider: OidcProvider,
    claims: Record<string, unknown>,
    role: Role | null,
    request: SignInRequest,
  ): Promise<OidcCaller> {
    const subject = claims.sub as string;
    const actor: SystemActor = {
      organizationId: provider.organizationId,
      userId: null,
      requestId: request.requestId,
      ip: request.ip,
    };
    const linked = await this.identities.userOf(provider.organizationId, provider.issuer, subject, tx);
    let user = linked ? await this.users.findById(tx, provider.organizationId, linked) : null;
    if (linked && !user) throw unknown('The user linked to this identity no longer exists');
    if (!user) user = await this.linkOrCreate(tx, actor, provider, claims, role);
    if (!user.isActive) throw deactivated();
    if (role !== null && role !== user.role) {
      try {
        user = await this.users.updateInTransaction(tx, actor, user.id, { role });
      } catch (error) {
        // The provider may not demote the organization's last admin who can log in: keep the role.
        if (!(error instanceof DomainError && error.code === UserErrors.LAST_ADMIN.code)) throw error;
      }
    }
    return callerOf(user);
  }

  private async linkOrCreate(
    tx: EntityManager,
    actor: SystemActor,
    provider: OidcProvider,
    claims: Record<string, unknown>,
    role: Role | null,
  ): Promise<User> {
    const subject = claims.sub as string;
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined;
    const verified = email !== undefined && claims.email_verified === true;
    const existing = verified ? await this.users.findByIdentity(tx, provider.organizationId, { email }) : null;
    let user: User;
    let method: 'email' | 'just_in_time';
    if (existing) {
      if (!existing.isActive) throw deactivated();
      user = existing;
      method = 'email';
    } else if (!provider.createUsers) {
      throw unknown(
        'No Spendin user of this organization is linked to this identity or has its verified e-mail, and the organization does not create users just in time',
      );
    } else if (!verified) {
      throw unknown('A user is created just in time only from a token with a verified e-mail (email_verified: true)');
    } else {
      const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email.split('@')[0];
      user = await this.users.createInTransaction(tx, actor, {
        email,
        full_name: name.slice(0, 200),
        role: role ?? provider.defaultRole,
      });
      method = 'just_in_time';
    }
    if (!(await this.identities.link(tx, provider.organizationId, provider.issuer, subject, user.id))) {
      throw unknown('This user is already linked to another identity at this issuer');
    }
    await this.audit.record(tx, actor, {
      action: 'user.identity_linked',
      entityType: 'user',
      entityId: user.id,
      metadata: { issuer: provider.issuer, subject, method, email: user.email },
    });
    return user;
  }

  private roleOf(provider: OidcProvider, claims: Record<string, unknown>): Role {
    return mappedRole(claimValues(claims, provider.rolesClaim!), provider.roleMapping, provider.defaultRole);
  }
}

const callerOf = (user: User): OidcCaller => ({
  userId: user.id,
  organizationId: user.organizationId,
  role: user.role,
  mustChangePassword: user.mustChangePassword,
});

const unknown = (detail: string) => CredentialErrors.OIDC_USER_UNKNOWN(detail);
const deactivated = () => CredentialErrors.USER_DEACTIVATED('This user has been deactivated in Spendin');
