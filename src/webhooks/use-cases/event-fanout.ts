import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { formatAmount } from '../../common/money/money';
import { OutboxService } from '../../common/outbox/outbox.service';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook.entities';
import { WebhookEventsRepository } from '../webhook-events.repository';

/**
 * The `webhooks` job: turns an outbox event into a webhook event and one delivery per
 * subscription that wants it (active, subscribed to the type, and existing when the change
 * happened), each with the job of its first attempt. Idempotent: the event is unique per
 * outbox row and a delivery per subscription and event, so a job that runs again makes
 * nothing new. Webhooks sit beside notifications, below spends: what they say of a spend
 * is read with read-only SQL (WebhookEventsRepository.spendSnapshot), scoped by organization.
 */
@Injectable()
export class EventFanout implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly outbox: OutboxService,
    private readonly events: WebhookEventsRepository,
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
      const occurredAt = await this.outbox.createdAt(tx, job.organizationId, job.outboxId);
      if (!occurredAt) return 0;
      const subscribers = await this.events.subscribersAt(tx, job.organizationId, job.topic, occurredAt);
      if (subscribers.length === 0) return 0;
      const eventId = await this.event(tx, job, occurredAt);
      const created = await this.events.insertDeliveries(tx, job.organizationId, eventId, subscribers);
      for (const id of created)
        await this.outbox.enqueue(tx, job.organizationId, 'webhook.delivery', { delivery_id: id, attempt: 1 });
      return created.length;
    });
  }

  /** The webhook event of this outbox row, made on first use. */
  private async event(tx: EntityManager, job: OutboxJob<WebhookEventType>, occurredAt: Date): Promise<string> {
    // Events about something else than a spend (an advance, an expense report, payout.paid) name no spend: their data are the payload's own facts.
    const payload: { spend_id?: unknown; sequence?: unknown } & Record<string, unknown> = job.payload;
    const { spend_id: spendId, sequence, ...facts } = payload;
    const spend = typeof spendId === 'string' && isUUID(spendId) ? spendId : null;
    const data = { ...facts, spend: spend ? await this.spendSnapshot(tx, job.organizationId, spend) : null };
    return this.events.eventOf(tx, {
      organizationId: job.organizationId,
      outboxId: job.outboxId,
      type: job.topic,
      spendId: spend,
      sequence: Number.isInteger(sequence) ? (sequence as number) : null,
      data,
      occurredAt,
    });
  }

  /** The spend as it is when the event is prepared, moments after the change (maybe already changed again: order by `sequence`). */
  private async spendSnapshot(
    tx: EntityManager,
    organizationId: string,
    spendId: string,
  ): Promise<Record<string, unknown> | null> {
    const s = await this.events.spendSnapshot(tx, organizationId, spendId);
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
