import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { formatAmount } from '../../common/money/money';
import { OutboxService } from '../../common/outbox/outbox.service';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook.entities';

/**
 * The `webhooks` job: turns an outbox event into a webhook event and one delivery per
 * subscription that wants it (active, subscribed to the type, and existing when the change
 * happened), each with the job of its first attempt. Idempotent: the event is unique per
 * outbox row and a delivery per subscription and event, so a job that runs again makes
 * nothing new. Webhooks sit beside notifications, below spends: what they say of a spend
 * is read here with read-only SQL, scoped by organization.
 */
@Injectable()
export class EventFanout implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'webhooks',
      topics: [...WEBHOOK_EVENT_TYPES],
      handle: async (job) => {
        await this.fanOut(job);
      },
      attempts: 8,
      backoffMs: 2_000,
      concurrency: 2,
    });
  }

  /** How many deliveries were new. */
  async fanOut(job: OutboxJob<WebhookEventType>): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [origin]: Array<{ created_at: Date }> = await tx.query(
        `SELECT created_at FROM outbox WHERE id = $1 AND organization_id = $2`,
        [job.outboxId, job.organizationId],
      );
      if (!origin) return 0;
      const subscribers: Array<{ id: string }> = await tx.query(
        `SELECT id FROM webhook_subscriptions
         WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND $2 = ANY(events) AND created_at <= $3`,
        [job.organizationId, job.topic, origin.created_at],
      );
      if (subscribers.length === 0) return 0;
      const eventId = await this.event(tx, job, origin.created_at);
      const created: Array<{ id: string }> = await tx.query(
        `INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, next_attempt_at)
         SELECT $1, subscription_id, $3, now() FROM unnest($2::uuid[]) AS subscription_id
         ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
         RETURNING id`,
        [job.organizationId, subscribers.map((s) => s.id), eventId],
      );
      for (const { id } of created)
        await this.outbox.enqueue(tx, job.organizationId, 'webhook.delivery', { delivery_id: id, attempt: 1 });
      return created.length;
    });
  }

  /** The webhook event of this outbox row, made on first use. */
  private async event(tx: EntityManager, job: OutboxJob<WebhookEventType>, occurredAt: Date): Promise<string> {
    const { spend_id: spendId, sequence, ...facts } = job.payload;
    const spend = typeof spendId === 'string' && isUUID(spendId) ? spendId : null;
    const data = { ...facts, spend: spend ? await this.spendSnapshot(tx, job.organizationId, spend) : null };
    const [inserted]: Array<{ id: string }> = await tx.query(
      `INSERT INTO webhook_events (organization_id, outbox_id, type, spend_id, sequence, data, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ON CONSTRAINT webhook_events_outbox_key DO NOTHING RETURNING id`,
      [
        job.organizationId,
        job.outboxId,
        job.topic,
        spend,
        Number.isInteger(sequence) ? sequence : null,
        JSON.stringify(data),
        occurredAt,
      ],
    );
    if (inserted) return inserted.id;
    const [existing]: Array<{ id: string }> = await tx.query(`SELECT id FROM webhook_events WHERE outbox_id = $1`, [
      job.outboxId,
    ]);
    return existing.id;
  }

  /** The spend as it is when the event is prepared, moments after the change (maybe already changed again: order by `sequence`). */
  private async spendSnapshot(
    tx: EntityManager,
    organizationId: string,
    spendId: string,
  ): Promise<Record<string, unknown> | null> {
    const [s]: Array<{
      id: string;
      user_id: string;
      team_id: string | null;
      category_id: string | null;
      vendor_id: string | null;
      merchant: string | null;
      description: string | null;
      amount_minor: string;
      currency: string;
      base_amount_minor: string;
      base_currency: string;
      spend_date: string;
      status: string;
      flags: string[];
      updated_at: Date;
    }> = await tx.query(
      `SELECT id, user_id, team_id, category_id, vendor_id, merchant, description, amount_minor, currency, base_amount_minor, base_currency,
              to_char(spend_date, 'YYYY-MM-DD') AS spend_date, status, flags, updated_at
       FROM spends WHERE organization_id = $1 AND id = $2`,
      [organizationId, spendId],
    );
    if (!s) return null;
    const currency = s.currency.trim();
    const baseCurrency = s.base_currency.trim();
    return {
      id: s.id,
      user_id: s.user_id,
      team_id: s.team_id,
      category_id: s.category_id,
      vendor_id: s.vendor_id,
      merchant: s.merchant,
      description: s.description,
      amount: formatAmount(BigInt(s.amount_minor), currency),
      currency,
      base_amount: formatAmount(BigInt(s.base_amount_minor), baseCurrency),
      base_currency: baseCurrency,
      spend_date: s.spend_date,
      status: s.status,
      flags: s.flags,
      updated_at: s.updated_at.toISOString(),
    };
  }
}
