import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One append-only entry of an organization's hash-chained audit log. The table's `seq`
 * (bigserial) orders the chain; it is not mapped because nothing reads it through the entity.
 */
@Entity('audit_logs')
export class AuditEntry {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid', { nullable: true }) actorId: string | null;
  @Column('text') action: string;
  @Column('text') entityType: string;
  @Column('text', { nullable: true }) entityId: string | null;
  @Column('jsonb', { default: {} }) metadata: Record<string, unknown>;
  @Column('text', { nullable: true }) requestId: string | null;
  @Column('text', { nullable: true }) ip: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('text', { nullable: true }) prevHash: string | null;
  @Column('text') hash: string;
}
