import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SystemActor } from '../audit/audit.service';
import { Actor, outranksOrEquals, Role } from '../common/auth/roles';
import { TeamsService } from '../users/teams.service';
import { UsersService } from '../users/users.service';
import { ScimGroupsRepository } from './scim-groups.repository';
import { ScimUsersRepository } from './scim-users.repository';

/** The role a user falls back to when no mapped group gives them one any more. */
export const DEFAULT_ROLE: Role = 'employee';

/**
 * Applies the admin's group mappings (a group display name → a team and/or a role) to a
 * user, in the caller's transaction, after their groups changed:
 * - teams: a team some mapping names is the user's while a mapped group of theirs names it,
 *   and not otherwise (a team no mapping names is never touched);
 * - role: the highest role among their mapped groups; when none gives one any more, the role a
 *   mapping gave reverts to the default (employee), unless an admin changed it since.
 * Every change goes through UsersService and TeamsService, so it is audited and a role change
 * ends the user's sessions as it would from an admin.
 */
@Injectable()
export class GroupMapping {
  constructor(
    private readonly users: UsersService,
    private readonly teams: TeamsService,
    private readonly groups: ScimGroupsRepository,
    private readonly scimUsers: ScimUsersRepository,
  ) {}

  async apply(tx: EntityManager, actor: Actor | SystemActor, userIds: Iterable<string>): Promise<void> {
    const all = await this.groups.mappings(tx, actor.organizationId);
    const managedTeams = [...new Set(all.flatMap((m) => (m.teamId ? [m.teamId] : [])))];
    for (const userId of [...new Set(userIds)].sort()) {
      const record = await this.scimUsers.find(tx, actor.organizationId, userId);
      if (!record) continue;
      const mine = await this.groups.mappingsOf(tx, actor.organizationId, userId);
      const wanted = new Set(mine.flatMap((m) => (m.teamId ? [m.teamId] : [])));
      for (const teamId of managedTeams)
        await this.teams.setMembershipInTransaction(tx, actor, teamId, userId, wanted.has(teamId));
      const roles = mine.flatMap((m) => (m.role ? [m.role] : []));
      const highest = roles.reduce<Role | null>(
        (best, r) => (best === null || outranksOrEquals(r, best) ? r : best),
        null,
      );
      const current = record.user.role;
      if (highest !== null) {
        if (current !== highest) await this.users.updateInTransaction(tx, actor, userId, { role: highest });
        if (record.roleFromGroups !== highest)
          await this.scimUsers.setRoleFromGroups(tx, actor.organizationId, userId, highest);
      } else if (record.roleFromGroups !== null) {
        if (current === record.roleFromGroups && current !== DEFAULT_ROLE)
          await this.users.updateInTransaction(tx, actor, userId, { role: DEFAULT_ROLE });
        await this.scimUsers.setRoleFromGroups(tx, actor.organizationId, userId, null);
      }
    }
  }
}
