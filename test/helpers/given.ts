import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { Role } from '../../src/common/auth/roles';
import { BootstrapService } from '../../src/organizations/bootstrap.service';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  organizationId: string;
  accessToken: string;
  refreshToken: string;
}

export interface TestOrganization {
  id: string;
  admin: TestUser;
}

const PASSWORD = 'correct-horse-battery-staple';

/**
 * Fixtures made through the real use cases: organizations through bootstrap, users through
 * the admin API, tokens through login. `await given.organization()` then `given.user(org, 'manager')`.
 */
export class Given {
  constructor(
    private readonly app: INestApplication,
    private readonly http: App,
  ) {}

  async organization(name = `Org ${randomBytes(3).toString('hex')}`): Promise<TestOrganization> {
    const email = `admin.${randomBytes(4).toString('hex')}@example.test`;
    const result = await this.app
      .get(BootstrapService)
      .bootstrap({ organizationName: name, baseCurrency: 'USD', adminEmail: email, adminPassword: PASSWORD });
    const tokens = await this.login(email, PASSWORD);
    return {
      id: result.organizationId,
      admin: {
        id: result.adminId,
        email,
        password: PASSWORD,
        role: 'admin',
        organizationId: result.organizationId,
        ...tokens,
      },
    };
  }

  async user(
    organization: TestOrganization,
    role: Role = 'employee',
    extra: { manager_id?: string; full_name?: string } = {},
  ): Promise<TestUser> {
    const email = `${role}.${randomBytes(4).toString('hex')}@example.test`;
    const created = await request(this.http)
      .post('/api/v1/admin/users')
      .set('Authorization', `Bearer ${organization.admin.accessToken}`)
      .send({ email, full_name: extra.full_name ?? `Test ${role}`, role, password: PASSWORD, ...extra });
    if (created.status !== 201) throw new Error(`given.user failed: ${created.status} ${JSON.stringify(created.body)}`);
    const tokens = await this.login(email, PASSWORD);
    return { id: created.body.id, email, password: PASSWORD, role, organizationId: organization.id, ...tokens };
  }

  async login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const response = await request(this.http).post('/api/v1/auth/login').send({ email, password });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { accessToken: response.body.access_token, refreshToken: response.body.refresh_token };
  }
}
