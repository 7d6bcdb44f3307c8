import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One refresh token of a family. A family is one session: a login and the tokens rotated from
 * it. Each refresh spends the presented token and issues the next one in the same family;
 * presenting a spent token again ends every session of the user.
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') userId: string;
  @Column('uuid') familyId: string;
  /** The user's token version when this token was issued: a refresh after the version moved on is refused. */
  @Column('integer') tokenVersion: number;
  /** SHA-256 of the secret part; the secret itself is only ever with the client. */
  @Column('text') secretHash: string;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) usedAt: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
