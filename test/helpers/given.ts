import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { Role } from '../../src/common/auth/roles';
import { BootstrapService } from '../../src/organizations/bootstrap.service';
import { bearer } from './problems';
import type { Caller } from './requests';

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

/** A spend as the API answers it (the fields suites read most; the rest are there too). */
export interface TestSpend {
  id: string;
  status: string;
  amount: string;
  currency: string;
  base_amount: string;
  approvals: Array<{ id: string; step: number; status: string }>;
  [field: string]: unknown;
}

/** A policy as the API answers it. */
export interface TestPolicy {
  id: string;
  name: string;
  version: number;
  is_active: boolean;
  rules: Array<Record<string, unknown>>;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

const PASSWORD = 'correct-horse-battery-staple';
const today = () => new Date().toISOString().slice(0, 10);
const hex = () => randomBytes(3).toString('hex');

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

  /**
   * A spend submitted by `owner`: 42.00 USD dated today unless `body` says otherwise (any
   * field of POST /spends). Fails unless it is created (201).
   */
  async spend(owner: Caller, body: object = {}): Promise<TestSpend> {
    return this.created('spend', owner, '/spends', { amount: '42.00', currency: 'USD', spend_date: today(), ...body });
  }

  /** A policy made by `admin` with `rules`, under a fresh name unless `body` names it (any field of POST /policies). */
  async policy(admin: Caller, rules: object[], body: object = {}): Promise<TestPolicy> {
    return this.created('policy', admin, '/policies', { name: `Policy ${hex()}`, rules, ...body });
  }

  /** An exchange rate of `currency` into the base currency on `date` (today unless told), recorded by `admin`. */
  async rate(admin: Caller, currency: string, rate: string, date = today()): Promise<Record<string, unknown>> {
    return this.created('rate', admin, '/exchange-rates', { currency, rate, date });
  }

  private async created<T>(what: string, caller: Caller, path: string, body: object): Promise<T> {
    const response = await request(this.http).post(`/api/v1${path}`).set(bearer(caller.accessToken)).send(body);
    if (response.status !== 201)
      throw new Error(`given.${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as T;
  }
}
