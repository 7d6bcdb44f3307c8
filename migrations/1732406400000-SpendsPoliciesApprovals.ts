import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The spend workflow: exchange rates, versioned policies, spends, approval steps, plus the
 * idempotency keys and the outbox that every create and every side effect go through.
 * Indexes start with organization_id and follow the list endpoints' filters and orderings.
 */
export class SpendsPoliciesApprovals1732406400000 implements MigrationInterface {
  name = 'SpendsPoliciesApprovals1732406400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exchange_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        base_currency char(3) NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
        rate numeric(24, 12) NOT NULL CHECK (rate > 0),
        rate_date date NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT exchange_rates_day_key UNIQUE (organization_id, currency, base_currency, rate_date),
        CONSTRAINT exchange_rates_distinct CHECK (currency <> base_currency)
      )`);

    await q.query(`
      CREATE TABLE policies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        rules jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3),
        CONSTRAINT policies_org_id_key UNIQUE (organization_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX policies_org_name_key ON policies (organization_id, lower(name)) WHERE deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX policies_org_active_idx ON policies (organization_id) WHERE is_active AND deleted_at IS NULL`,
    );
    // Every saved state of a policy, so that an evaluation can always name what it ran.
    await q.query(`
      CREATE TABLE policy_versions (
        organization_id uuid NOT NULL,
        policy_id uuid NOT NULL,
        version integer NOT NULL,
        name text NOT NULL,
        is_active boolean NOT NULL,
        rules jsonb NOT NULL,
        created_by uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (policy_id, version),
        CONSTRAINT policy_versions_policy_fk FOREIGN KEY (organization_id, policy_id) REFERENCES policies (organization_id, id)
      )`);

    await q.query(`
      CREATE TABLE spends (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL,
        team_id uuid,
        category_id uuid,
        vendor_id uuid,
        merchant text,
        description text,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        base_amount_minor bigint NOT NULL CHECK (base_amount_minor >= 0),
        base_currency char(3) NOT NULL,
        exchange_rate numeric(24, 12) NOT NULL CHECK (exchange_rate > 0),
        spend_date date NOT NULL,
        source text NOT NULL CHECK (source IN ('manual', 'ocr', 'import', 'card')),
        status text NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'paid', 'rejected', 'blocked', 'cancelled')),
        policy_evaluation jsonb,
        -- Flags found by Spendin itself (duplicate_suspected, amount_mismatch, …); \`flags\` adds
        -- those of the policy evaluation to them.
        system_flags text[] NOT NULL DEFAULT '{}',
        flags text[] NOT NULL DEFAULT '{}',
        receipt_count integer NOT NULL DEFAULT 0,
        receipt_verified boolean NOT NULL DEFAULT false,
        approval_round integer NOT NULL DEFAULT 0,
        submitted_at timestamptz(3),
        decided_at timestamptz(3),
        paid_at timestamptz(3),
        paid_by uuid,
        payment_reference text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT spends_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT spends_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
        CONSTRAINT spends_team_fk FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id),
        CONSTRAINT spends_category_fk FOREIGN KEY (organization_id, category_id) REFERENCES categories (organization_id, id),
        CONSTRAINT spends_vendor_fk FOREIGN KEY (organization_id, vendor_id) REFERENCES vendors (organization_id, id)
      )`);
    await q.query(`CREATE INDEX spends_org_date_idx ON spends (organization_id, spend_date DESC, id DESC)`);
    await q.query(
      `CREATE INDEX spends_org_user_date_idx ON spends (organization_id, user_id, spend_date DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX spends_org_status_date_idx ON spends (organization_id, status, spend_date DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX spends_org_team_date_idx ON spends (organization_id, team_id, spend_date DESC, id DESC) WHERE team_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX spends_org_category_date_idx ON spends (organization_id, category_id, spend_date DESC, id DESC) WHERE category_id IS NOT NULL`,
    );
    // Duplicate detection looks up the same owner, date, amount and currency.
    await q.query(
      `CREATE INDEX spends_duplicate_idx ON spends (organization_id, user_id, spend_date, amount_minor, currency)`,
    );

    await q.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        spend_id uuid NOT NULL,
        spend_owner_id uuid NOT NULL,
        round integer NOT NULL,
        step integer NOT NULL CHECK (step >= 1),
        requirement text NOT NULL,
        approver_user_id uuid,
        approver_role text CHECK (approver_role IN ('finance', 'admin')),
        status text NOT NULL CHECK (status IN ('waiting', 'pending', 'approved', 'rejected', 'cancelled')),
        note text,
        policy_id uuid,
        rule_id text,
        decided_by uuid,
        decided_at timestamptz(3),
        comment text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT approvals_spend_fk FOREIGN KEY (organization_id, spend_id) REFERENCES spends (organization_id, id),
        CONSTRAINT approvals_step_key UNIQUE (spend_id, round, step),
        CONSTRAINT approvals_one_approver CHECK ((approver_user_id IS NULL) <> (approver_role IS NULL))
      )`);
    await q.query(`CREATE INDEX approvals_org_spend_idx ON approvals (organization_id, spend_id, round, step)`);
    await q.query(
      `CREATE INDEX approvals_org_user_status_idx ON approvals (organization_id, approver_user_id, status, created_at DESC) WHERE approver_user_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX approvals_org_role_status_idx ON approvals (organization_id, approver_role, status, created_at DESC) WHERE approver_role IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX approvals_org_decider_idx ON approvals (organization_id, decided_by, decided_at DESC) WHERE decided_by IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        organization_id uuid NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('in_progress', 'completed')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        completed_at timestamptz(3),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        organization_id uuid NOT NULL,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        dispatched_at timestamptz(3),
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE dispatched_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'idempotency_keys',
      'approvals',
      'spends',
      'policy_versions',
      'policies',
      'exchange_rates',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
