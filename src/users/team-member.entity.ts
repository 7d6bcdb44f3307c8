import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('team_members')
export class TeamMember {
  @PrimaryColumn('uuid') teamId: string;
  @PrimaryColumn('uuid') userId: string;
  @Column('uuid') organizationId: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
