import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../common/auth/roles';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  /** Always stored lower-cased; unique across all organizations because login is by e-mail alone. */
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
  /** Bumped when a user is deactivated or changes password: older access tokens stop working. */
  @Column('integer', { default: 0 }) tokenVersion: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { nullable: true }) deactivatedAt: Date | null;
}
