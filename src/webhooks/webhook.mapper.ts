import type { WebhookDeliveryResponseDto, WebhookSubscriptionResponseDto } from './dto/webhook-subscription.dto';
import type { WebhookDelivery, WebhookEventType, WebhookSubscription } from './webhook.entities';

export function toSubscriptionResponse(s: WebhookSubscription): WebhookSubscriptionResponseDto {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    description: s.description,
    is_active: s.isActive,
    secret_hint: `…${s.secretHint ?? s.secret?.slice(-4) ?? ''}`,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** A delivery with what the list shows of its event. */
export interface DeliveryRow {
  delivery: WebhookDelivery;
  eventType: WebhookEventType;
  spendId: string | null;
  sequence: number | null;
}

export function toDeliveryResponse({
  delivery: d,
  eventType,
  spendId,
  sequence,
}: DeliveryRow): WebhookDeliveryResponseDto {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: d.id,
    subscription_id: d.subscriptionId,
    event_id: d.eventId,
    event_type: eventType,
    spend_id: spendId,
    sequence,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_attempt_at: iso(d.lastAttemptAt),
    response_status: d.responseStatus,
    response_body: d.responseBody,
    error: d.error,
    duration_ms: d.durationMs,
    delivered_at: iso(d.deliveredAt),
    created_at: d.createdAt.toISOString(),
  };
}
