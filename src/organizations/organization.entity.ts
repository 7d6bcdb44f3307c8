import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface OrganizationSettings {
  /** IANA time zone used for calendar questions such as "this month" in reports. */
  timezone?: string;
  /** First month (1-12) of the fiscal year. */
  fiscal_year_start_month?: number;
  /** Whether the organization's identity provider may make someone an admin (unset: it may not). */
  identity_provider_grants_admin?: boolean;
  /** Whether every user must use a second factor (unset: they may choose). */
  require_mfa?: boolean;
}

@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('char', { length: 3 }) baseCurrency: string;
  @Column('jsonb', { default: {} }) settings: OrganizationSettings;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  /** Set by the installation's operator: every user, token and inbound webhook of the organization is refused until resumed. */
  @Column('timestamptz', { nullable: true }) suspendedAt: Date | null;
  @Column('text', { nullable: true }) suspensionReason: string | null;
}
