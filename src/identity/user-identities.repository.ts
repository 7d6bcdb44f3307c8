import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/** Links between Spendin users and a provider's subjects, scoped by organization. */
@Injectable()
export class UserIdentitiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user the organization linked to `subject` at `issuer`, if any. */
  async userOf(
    organizationId: string,
    issuer: string,
    subject: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<string | null> {
    const [row] = await runSql<{ user_id: string }>(tx, FIND, [organizationId, issuer, subject]);
    return row?.user_id ?? null;
  }

  /** Links the user; false when the subject or the user is linked already (a concurrent sign-in won). */
  async link(tx: EntityManager, organizationId: string, issuer: string, subject: string, userId: string) {
    const rows = await runSql(tx, LINK, [organizationId, issuer, subject, userId]);
    return rows.length === 1;
  }
}

const FIND: Statement = {
  name: 'user_identities.find',
  text: `SELECT user_id FROM user_identities WHERE organization_id = $1 AND issuer = $2 AND subject = $3`,
};

const LINK: Statement = {
  name: 'user_identities.link',
  text: `INSERT INTO user_identities (organization_id, issuer, subject, user_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING user_id`,
};
