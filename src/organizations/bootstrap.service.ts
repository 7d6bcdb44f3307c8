import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { passwordProblem } from '../common/auth/password.validators';
import { Directory } from '../users/directory';
import { UsersService } from '../users/users.service';
import { OrganizationErrors } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';

export interface BootstrapRequest {
  organizationName: string;
  baseCurrency: string;
  adminEmail: string;
  adminPassword: string;
  adminFullName?: string;
  /** The admin must choose a new password at first login (a generated one, handed over in a file). */
  mustChangePassword?: boolean;
  /** The installation's operator who asked for it (POST /operator/organizations); unset from the CLI and first start. */
  createdBy?: { operatorId: string; email: string };
}

export interface BootstrapResult {
  created: boolean;
  organizationId: string;
  adminId: string;
}

/** Creates an organization with its first admin: on first start, and from the CLI. */
@Injectable()
export class BootstrapService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly directory: Directory,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Idempotent: when the admin already exists in an organization of that name, nothing
   * changes (the password is not touched either). An e-mail taken elsewhere is refused.
   */
  async bootstrap(request: BootstrapRequest): Promise<BootstrapResult> {
    return this.dataSource.transaction(async (tx) => {
      await this.organizations.lockBootstrap(tx);
      const email = request.adminEmail.toLowerCase();
      // E-mails are unique per organization, but an operator's bootstrap that finds the address
      // anywhere else stops rather than start a second organization by mistake.
      const existing = await this.directory.usersWithEmailAnywhere(tx, email);
      for (const user of existing) {
        const organization = await this.organizations.findById(user.organizationId, tx);
        if (organization?.name === request.organizationName && user.role === 'admin') {
          return { created: false, organizationId: organization.id, adminId: user.id };
        }
      }
      if (existing.length > 0) {
        throw OrganizationErrors.ADMIN_EMAIL_IN_OTHER_ORGANIZATION(
          `${email} already belongs to another organization or is not an admin there`,
        );
      }
      const organization = await this.organizations.insert(tx, {
        name: request.organizationName,
        baseCurrency: request.baseCurrency,
        settings: {},
      });
      const system = { organizationId: organization.id, userId: null };
      const creator = request.createdBy ? { ...system, operatorId: request.createdBy.operatorId } : system;
      await this.audit.record(tx, creator, {
        action: 'organization.created',
        entityType: 'organization',
        entityId: organization.id,
        metadata: {
          name: organization.name,
          base_currency: organization.baseCurrency,
          ...(request.createdBy ? { operatorEmail: request.createdBy.email } : {}),
        },
      });
      const admin = await this.users.createInTransaction(tx, system, {
        email,
        full_name: request.adminFullName ?? 'Administrator',
        role: 'admin',
        password: request.adminPassword,
        must_change_password: request.mustChangePassword ?? false,
      });
      return { created: true, organizationId: organization.id, adminId: admin.id };
    });
  }

  async isEmpty(): Promise<boolean> {
    return this.organizations.isEmpty();
  }

  /** 24 random characters, drawn again in the unlikely case that they break the password rule. */
  static generatePassword(email: string): string {
    for (;;) {
      const password = randomBytes(18).toString('base64url');
      if (passwordProblem(password, email) === null) return password;
    }
  }
}
