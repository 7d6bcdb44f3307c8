import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../common/auth/roles';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  /** Always stored lower-cased; unique within the organization (another organization may have the same address). */
  @Column('text') email: string;
  /** The organization's identity provider's id for the user, once its events have named one; unique in the organization. */
  @Column('text', { nullable: true }) externalId: string | null;
  @Column('text') fullName: string;
  @Column('text') role: Role;
  /** Argon2id; null until a password is set, and such a user cannot log in. */
  @Column('text', { nullable: true }) passwordHash: string | null;
  @Column('uuid', { nullable: true }) managerId: string | null;
  @Column('boolean', { default: true }) isActive: boolean;
  @Column('boolean', { default: true }) emailNotifications: boolean;
  /** Set by an admin: until the user changes their password, only that change and GET /users/me answer them. */
  @Column('boolean', { default: false }) mustChangePassword: boolean;
  /** Bumped when the user's sessions end (a password set, a deactivation, a role change): older tokens stop working. */
  @Column('integer', { default: 0 }) tokenVersion: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { nullable: true }) deactivatedAt: Date | null;
}
