import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReportingLineRepository } from './reporting-line.repository';
import { TeamsRepository, TeamWithMembers } from './teams.repository';
import { User } from './user.entity';
import { LoginCandidate, UsersRepository } from './users.repository';

/**
 * Who is who, for the other modules: users by id or login e-mail, the reporting line
 * (managers and reports) and teams' leads and members. Read-only; a caller that runs in a
 * transaction passes its entity manager, so that no second pool connection is asked for.
 */
@Injectable()
export class Directory {
  constructor(
    private readonly users: UsersRepository,
    private readonly line: ReportingLineRepository,
    private readonly teams: TeamsRepository,
  ) {}

  /** The user of the organization, active or not; null when there is none. */
  user(organizationId: string, id: string, tx?: EntityManager): Promise<User | null> {
    return this.users.findById(organizationId, id, tx);
  }

  /** The users (one per organization at most) whom a login's e-mail names, oldest first. */
  loginCandidates(email: string, organizationId?: string): Promise<LoginCandidate[]> {
    return this.users.findLoginCandidates(email, organizationId);
  }

  /** Unscoped on purpose (an operator's bootstrap): the users with this e-mail in any organization. */
  usersWithEmailAnywhere(tx: EntityManager, email: string): Promise<User[]> {
    return this.users.findAllByEmail(tx, email);
  }

  /** The user's manager_id and that manager (null when the user has none), in one read. */
  managerOf(
    tx: EntityManager,
    organizationId: string,
    userId: string,
  ): Promise<{ managerId: string; manager: User | null } | null> {
    return this.line.managerOf(tx, organizationId, userId);
  }

  /** Everyone below the manager in the reporting line, directly or not. */
  reportsOf(organizationId: string, managerId: string): Promise<string[]> {
    return this.line.reportsOf(organizationId, managerId);
  }

  /** The team's lead; null when the team has none or does not exist. */
  async teamLeadOf(organizationId: string, teamId: string, tx?: EntityManager): Promise<string | null> {
    return (await this.teams.findById(organizationId, teamId, tx))?.leadId ?? null;
  }

  /** Whether the team exists in the organization. */
  async teamExists(organizationId: string, teamId: string, tx?: EntityManager): Promise<boolean> {
    return (await this.teams.findById(organizationId, teamId, tx)) !== null;
  }

  /** Whether the team exists in the organization and the user is one of its members or its lead. */
  isMemberOrLead(organizationId: string, teamId: string, userId: string, tx?: EntityManager): Promise<boolean> {
    return this.teams.hasMemberOrLead(organizationId, teamId, userId, tx);
  }

  /** The teams the user leads, with their members. */
  teamsLedBy(organizationId: string, userId: string): Promise<TeamWithMembers[]> {
    return this.teams.ledBy(organizationId, userId);
  }
}
