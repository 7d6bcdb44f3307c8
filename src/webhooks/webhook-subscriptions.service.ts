import { randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { OutboxService } from '../common/outbox/outbox.service';
import { Page } from '../common/pagination/page';
import { SecretBox, SecretBoxError } from '../common/secrets/secret-box';
import { AppConfig } from '../config/app-config';
import { checkWebhookUrl } from './delivery/address-policy';
import { resolvePublicHost } from './delivery/webhook-http';
import {
  CreatedWebhookSubscriptionDto,
  CreateWebhookSubscriptionDto,
  ListDeliveriesQuery,
  ListWebhookSubscriptionsQuery,
  UpdateWebhookSubscriptionDto,
  WebhookDeliveryResponseDto,
  WebhookSubscriptionResponseDto,
} from './dto/webhook-subscription.dto';
import { openSecret, sealedSecret } from './subscription-secrets';
import { WebhookSubscription } from './webhook.entities';
import { toDeliveryResponse, toSubscriptionResponse } from './webhook.mapper';
import { WebhookErrors } from './webhooks.errors';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhooksRepository } from './webhooks.repository';

const AUDITED_FIELDS: Array<keyof WebhookSubscription> = ['url', 'events', 'description', 'isActive'];

/** An organization's webhook subscriptions and their deliveries (admins). */
@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveryRows: WebhookDeliveriesRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly box: SecretBox,
  ) {}

  async list(actor: Actor, query: ListWebhookSubscriptionsQuery): Promise<Page<WebhookSubscriptionResponseDto>> {
    const page = await this.webhooks.listSubscriptions(actor.organizationId, query);
    return { ...page, items: page.items.map(toSubscriptionResponse) };
  }

  async get(actor: Actor, id: string): Promise<WebhookSubscriptionResponseDto> {
    return toSubscriptionResponse(await this.subscriptionOrFail(actor, id));
  }

  async create(actor: Actor, dto: CreateWebhookSubscriptionDto): Promise<CreatedWebhookSubscriptionDto> {
    const url = await this.acceptableUrl(dto.url);
    const secret = dto.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    // The id is made here because the sealed secret is bound to it.
    const id = randomUUID();
    const subscription = await this.dataSource.transaction(async (tx) => {
      const created = await this.webhooks.insertSubscription(tx, {
        id,
        organizationId: actor.organizationId,
        url,
        events: dto.events,
        ...sealedSecret(this.box, id, secret),
        description: dto.description ?? null,
        createdBy: actor.userId,
      });
      await this.audit.record(tx, actor, {
        action: 'webhook_subscription.created',
        entityType: 'webhook_subscription',
        entityId: created.id,
        metadata: { url, events: created.events, description: created.description },
      });
      return created;
    });
    return { ...toSubscriptionResponse(subscription), secret };
  }

  async update(actor: Actor, id: string, dto: UpdateWebhookSubscriptionDto): Promise<WebhookSubscriptionResponseDto> {
    // Unknown ids are 404 before the URL is looked up (resolving a host can take a while).
    await this.subscriptionOrFail(actor, id);
    const url = dto.url === undefined ? undefined : await this.acceptableUrl(dto.url);
    const subscription = await this.dataSource.transaction(async (tx) => {
      const current = await this.webhooks.lockSubscription(tx, actor.organizationId, id);
      if (!current) throw notFound(id);
      const before = { ...current };
      const rotated = dto.secret !== undefined && dto.secret !== this.currentSecret(current);
      Object.assign(current, {
        url: url ?? current.url,
        events: dto.events ?? current.events,
        description: dto.description === undefined ? current.description : dto.description,
        isActive: dto.is_active ?? current.isActive,
        ...(rotated ? sealedSecret(this.box, id, dto.secret!) : {}),
      });
      const changes = diff(before, current, AUDITED_FIELDS);
      if (rotated) changes.secret = { from: '(hidden)', to: '(rotated)' };
      if (Object.keys(changes).length === 0) return current;
      await this.webhooks.storeSubscription(tx, current);
      const cancelled =
        before.isActive && !current.isActive ? await this.deliveryRows.cancelWaiting(tx, actor.organizationId, id) : 0;
      await this.audit.record(tx, actor, {
        action: 'webhook_subscription.updated',
        entityType: 'webhook_subscription',
        entityId: id,
        metadata: { changes, ...(cancelled ? { cancelled_deliveries: cancelled } : {}) },
      });
      return current;
    });
    return toSubscriptionResponse(subscription);
  }

  /** Deleted subscriptions are kept (their deliveries stay on record) but gone from every read; waiting deliveries are cancelled. */
  async deleteSubscription(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const subscription = await this.webhooks.lockSubscription(tx, actor.organizationId, id);
      if (!subscription) throw notFound(id);
      await this.webhooks.markDeleted(tx, subscription, new Date());
      const cancelled = await this.deliveryRows.cancelWaiting(tx, actor.organizationId, id);
      await this.audit.record(tx, actor, {
        action: 'webhook_subscription.deleted',
        entityType: 'webhook_subscription',
        entityId: id,
        metadata: { url: subscription.url, cancelled_deliveries: cancelled },
      });
    });
  }

  async deliveries(
    actor: Actor,
    subscriptionId: string,
    query: ListDeliveriesQuery,
  ): Promise<Page<WebhookDeliveryResponseDto>> {
    await this.subscriptionOrFail(actor, subscriptionId);
    const page = await this.deliveryRows.listDeliveries(actor.organizationId, subscriptionId, query);
    return { ...page, items: page.items.map(toDeliveryResponse) };
  }

  /**
   * Replays one delivery now, whatever became of it (failed after every retry, cancelled,
   * succeeded, or waiting for a later retry): its next attempt is made at once, with the same
   * event id. If it fails and automatic retries remain, they continue on the schedule.
   */
  async retry(actor: Actor, subscriptionId: string, deliveryId: string): Promise<WebhookDeliveryResponseDto> {
    await this.dataSource.transaction(async (tx) => {
      const subscription = await this.webhooks.lockSubscription(tx, actor.organizationId, subscriptionId);
      if (!subscription) throw notFound(subscriptionId);
      if (!subscription.isActive)
        throw WebhookErrors.WEBHOOK_SUBSCRIPTION_PAUSED(
          `Subscription ${subscriptionId} is paused; resume it (is_active: true) first`,
        );
      const delivery = await this.deliveryRows.lockDelivery(tx, actor.organizationId, subscriptionId, deliveryId);
      if (!delivery) throw WebhookErrors.WEBHOOK_DELIVERY_NOT_FOUND(`Delivery ${deliveryId} does not exist`);
      if (delivery.status === 'delivering')
        throw WebhookErrors.WEBHOOK_DELIVERY_IN_PROGRESS(
          `An attempt at delivery ${deliveryId} is under way; look again in a few seconds`,
        );
      const from = delivery.status;
      await this.deliveryRows.markRetried(tx, delivery, new Date());
      await this.outbox.enqueue(tx, actor.organizationId, 'webhook.delivery', {
        delivery_id: delivery.id,
        attempt: delivery.attempts + 1,
      });
      await this.audit.record(tx, actor, {
        action: 'webhook_delivery.retried',
        entityType: 'webhook_delivery',
        entityId: delivery.id,
        metadata: {
          subscription_id: subscriptionId,
          event_id: delivery.eventId,
          status: from,
          attempt: delivery.attempts + 1,
        },
      });
    });
    const row = await this.deliveryRows.findDelivery(actor.organizationId, subscriptionId, deliveryId);
    return toDeliveryResponse(row!);
  }

  /** The secret in force, to tell a rotation from a PATCH that sends the same one; null when it cannot be opened (any secret then replaces it). */
  private currentSecret(subscription: WebhookSubscription): string | null {
    try {
      return openSecret(this.box, subscription);
    } catch (error) {
      if (error instanceof SecretBoxError) return null;
      throw error;
    }
  }

  private async subscriptionOrFail(actor: Actor, id: string): Promise<WebhookSubscription> {
    const subscription = await this.webhooks.findSubscription(actor.organizationId, id);
    if (!subscription) throw notFound(id);
    return subscription;
  }

  /** The URL as it will be stored, or a 422 saying why it cannot be a receiver. */
  private async acceptableUrl(text: string): Promise<string> {
    const allowPrivate = this.config.webhooks.allowPrivateUrls;
    const verdict = checkWebhookUrl(text, allowPrivate);
    if (!verdict.ok) throw forbiddenUrl(verdict.reason);
    const host = verdict.url.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && !isIP(host)) {
      const resolved = await resolvePublicHost(host);
      if (!resolved.ok) throw forbiddenUrl(resolved.reason);
    }
    return verdict.url.toString();
  }
}

function notFound(id: string) {
  return WebhookErrors.WEBHOOK_SUBSCRIPTION_NOT_FOUND(`Webhook subscription ${id} does not exist`);
}

function forbiddenUrl(reason: string) {
  return WebhookErrors.WEBHOOK_URL_FORBIDDEN(`url: ${reason}`, { errors: [{ field: 'url', message: reason }] });
}
