import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each refresh token records the user's token version at issue, and a refresh whose version is
 * not the user's current one is refused; access tokens now name their session (`sid`).
 *
 * Until now an admin's password reset, a deactivation followed by a reactivation and a role
 * change left the user's refresh tokens working. Which of today's tokens were issued before
 * such a change cannot be told afterwards, so every open session is revoked: everyone logs in
 * again once after this upgrade (access tokens without `sid` are refused from now on anyway).
 */
export class SessionRevocation1733443200000 implements MigrationInterface {
  name = 'SessionRevocation1733443200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN token_version integer`);
    await q.query(`UPDATE refresh_tokens r SET token_version = u.token_version FROM users u WHERE u.id = r.user_id`);
    // The previous version, still running during a rolling upgrade, inserts tokens without a
    // version: -1 never matches a user's, so this version refuses them (its users log in again).
    await q.query(
      `ALTER TABLE refresh_tokens ALTER COLUMN token_version SET DEFAULT -1, ALTER COLUMN token_version SET NOT NULL`,
    );
    await q.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN token_version`);
  }
}
