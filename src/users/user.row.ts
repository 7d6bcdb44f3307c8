import type { Role } from '../common/auth/roles';
import { User } from './user.entity';

/** A `users` row as `pg` answers it. */
export interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  external_id: string | null;
  full_name: string;
  role: Role;
  password_hash: string | null;
  manager_id: string | null;
  is_active: boolean;
  email_notifications: boolean;
  token_version: number;
  must_change_password: boolean;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
}

const COLUMNS = [
  'id',
  'organization_id',
  'email',
  'external_id',
  'full_name',
  'role',
  'password_hash',
  'manager_id',
  'is_active',
  'email_notifications',
  'token_version',
  'must_change_password',
  'created_at',
  'updated_at',
  'deactivated_at',
];

/** Every column of `users`, for statements' select lists; `alias` qualifies them (`u.id, u.email, …`). */
export function userColumns(alias?: string): string {
  return alias ? COLUMNS.map((c) => `${alias}.${c}`).join(', ') : COLUMNS.join(', ');
}

export function toUser(row: UserRow): User {
  return Object.assign(new User(), {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    externalId: row.external_id,
    fullName: row.full_name,
    role: row.role,
    passwordHash: row.password_hash,
    managerId: row.manager_id,
    isActive: row.is_active,
    emailNotifications: row.email_notifications,
    tokenVersion: row.token_version,
    mustChangePassword: row.must_change_password,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deactivatedAt: row.deactivated_at,
  });
}
