import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Rule } from './engine/rules';

@Entity('policies')
export class Policy {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') name: string;
  @Column('boolean', { default: true }) isActive: boolean;
  /** Bumped on every change; evaluations record the version they ran. */
  @Column('integer', { default: 1 }) version: number;
  @Column('jsonb') rules: Rule[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { nullable: true }) deletedAt: Date | null;
}

/** Every saved state of a policy, kept forever so that past evaluations stay explainable. */
@Entity('policy_versions')
export class PolicyVersion {
  @PrimaryColumn('uuid') policyId: string;
  @PrimaryColumn('integer') version: number;
  @Column('uuid') organizationId: string;
  @Column('text') name: string;
  @Column('boolean') isActive: boolean;
  @Column('jsonb') rules: Rule[];
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
