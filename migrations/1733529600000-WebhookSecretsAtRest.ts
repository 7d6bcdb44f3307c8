import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscription secrets stop being stored in plain text.
 *
 * `secret_ciphertext` holds the secret sealed with SECRETS_KEY (AES-256-GCM, see
 * src/common/secrets/secret-box.ts) and `secret_hint` its last four characters, the only part
 * ever shown again. A migration cannot seal anything, since the key is in the application's
 * environment and never in the database, so this one only makes room: `secret` (the plain
 * text) becomes nullable, and every process that starts with a key seals the rows still
 * holding one and empties their `secret` in the same statement
 * (src/webhooks/secrets-at-rest.ts). No row can end with neither.
 *
 * The answers kept for `Idempotency-Key` replays of `POST /webhook-subscriptions` held the
 * created secret for 24 hours; they are replayed from now on with `secret: null`, so the
 * stored ones lose it here.
 */
export class WebhookSecretsAtRest1733529600000 implements MigrationInterface {
  name = 'WebhookSecretsAtRest1733529600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE webhook_subscriptions ADD COLUMN secret_ciphertext text, ADD COLUMN secret_hint text CHECK (length(secret_hint) <= 4)`,
    );
    await q.query(`UPDATE webhook_subscriptions SET secret_hint = right(secret, 4)`);
    await q.query(`ALTER TABLE webhook_subscriptions ALTER COLUMN secret DROP NOT NULL`);
    await q.query(
      `ALTER TABLE webhook_subscriptions ADD CONSTRAINT webhook_subscriptions_secret_kept CHECK (secret IS NOT NULL OR secret_ciphertext IS NOT NULL)`,
    );
    await q.query(`
      UPDATE idempotency_keys SET response_body = jsonb_set(response_body, '{secret}', 'null')
      WHERE method = 'POST' AND path = '/api/v1/webhook-subscriptions' AND jsonb_typeof(response_body) = 'object' AND response_body ? 'secret'`);
  }

  /** Only while no secret is stored sealed alone: the key is not here to open them. */
  async down(q: QueryRunner): Promise<void> {
    const [{ sealed }]: Array<{ sealed: number }> = await q.query(
      `SELECT count(*)::int AS sealed FROM webhook_subscriptions WHERE secret IS NULL`,
    );
    if (sealed > 0) {
      throw new Error(
        `${sealed} webhook subscription secret(s) are stored only sealed with SECRETS_KEY; reverting would lose them. Rotate those subscriptions' secrets after reverting instead, or do not revert.`,
      );
    }
    await q.query(`ALTER TABLE webhook_subscriptions DROP CONSTRAINT webhook_subscriptions_secret_kept`);
    await q.query(`ALTER TABLE webhook_subscriptions ALTER COLUMN secret SET NOT NULL`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN secret_hint, DROP COLUMN secret_ciphertext`);
  }
}
