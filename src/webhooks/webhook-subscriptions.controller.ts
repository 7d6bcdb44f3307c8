import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import {
  CreatedWebhookSubscriptionDto,
  CreateWebhookSubscriptionDto,
  ListDeliveriesQuery,
  ListWebhookSubscriptionsQuery,
  UpdateWebhookSubscriptionDto,
  WebhookDeliveryResponseDto,
  WebhookSubscriptionResponseDto,
} from './dto/webhook-subscription.dto';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import { WebhookErrors } from './webhooks.errors';

const NOT_FOUND = [
  WebhookErrors.WEBHOOK_SUBSCRIPTION_NOT_FOUND,
  'Webhook subscription 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b does not exist',
] as const;
const URL_FORBIDDEN = [
  WebhookErrors.WEBHOOK_URL_FORBIDDEN,
  'url: points at 169.254.169.254, which is not a public internet address',
] as const;
const DELIVERY_DOC =
  "Each delivery is an HTTPS (or HTTP) POST of the event as JSON, signed with the subscription's secret: " +
  '`X-Spendin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with `X-Spendin-Event-Id`, `X-Spendin-Event-Type` and `X-Spendin-Delivery-Id`. ' +
  'The body is `{id, type, created_at, organization_id, spend_id, sequence, data}`; `sequence` numbers the events of one spend in commit order. ' +
  'A 2xx answer within 10 s is a success; anything else (another status, a redirect, a timeout, a refused connection) is retried with exponential backoff ' +
  '(30 s doubling to 6 h, plus up to 10% jitter; 14 attempts over about 26.5 hours). Delivery is at least once: receivers deduplicate by event id.';

@ApiTags('Webhooks')
@Controller('webhook-subscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  @Get()
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @ApiOperation({
    summary: 'List webhook subscriptions',
    description: 'Newest first. Secrets are never shown again after creation; `secret_hint` tells them apart.',
  })
  @ApiPageResponse(WebhookSubscriptionResponseDto, 'A page of subscriptions')
  @ApiValidation()
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListWebhookSubscriptionsQuery,
  ): Promise<Page<WebhookSubscriptionResponseDto>> {
    return this.subscriptions.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @Idempotent({ secretFields: ['secret'] })
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      `${DELIVERY_DOC}\n\nThe answer carries the signing \`secret\`, this once: it is stored only sealed (AES-256-GCM under SECRETS_KEY), and an ` +
      '`Idempotency-Key` replay of this answer has `secret: null` and `Idempotent-Redacted: secret` (rotate it with PATCH if the first answer was lost).',
  })
  @ApiCreatedResponse({
    type: CreatedWebhookSubscriptionDto,
    headers: {
      'Idempotent-Replayed': {
        description: '`true` on a replay of the first answer to this Idempotency-Key',
        schema: { type: 'string', example: 'true' },
      },
      'Idempotent-Redacted': {
        description: 'On a replay: the fields given as null because they held a secret',
        schema: { type: 'string', example: 'secret' },
      },
    },
  })
  @ApiValidation()
  @ApiProblems(URL_FORBIDDEN)
  create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateWebhookSubscriptionDto,
  ): Promise<CreatedWebhookSubscriptionDto> {
    return this.subscriptions.create(actor, dto);
  }

  @Get(':id')
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @ApiOperation({
    summary: 'Get a webhook subscription',
    description: 'Admin only: where the subscription delivers and which events it receives.',
  })
  @ApiOkResponse({ type: WebhookSubscriptionResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<WebhookSubscriptionResponseDto> {
    return this.subscriptions.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @ApiOperation({
    summary: 'Change, pause or resume a subscription, or rotate its secret',
    description: 'Pausing (`is_active: false`) cancels the deliveries still waiting for a retry.',
  })
  @ApiOkResponse({ type: WebhookSubscriptionResponseDto })
  @ApiValidation()
  @ApiProblems(NOT_FOUND, URL_FORBIDDEN)
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateWebhookSubscriptionDto,
  ): Promise<WebhookSubscriptionResponseDto> {
    return this.subscriptions.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @ApiOperation({
    summary: 'Delete a subscription',
    description:
      'No event is sent to it any more and deliveries waiting for a retry are cancelled; its delivery history stays on record for `WEBHOOK_RETENTION_DAYS` (30 by default) like any other.',
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
    await this.subscriptions.deleteSubscription(actor, id);
    return { message: 'Deleted successfully' };
  }

  @Get(':id/deliveries')
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @ApiOperation({
    summary: "The subscription's deliveries, newest first",
    description:
      "Each with its status, attempts, the receiver's last status code and answer, and when the next retry is due. Finished deliveries (succeeded, failed, cancelled) are kept for `WEBHOOK_RETENTION_DAYS` (30 by default), then deleted.",
  })
  @ApiPageResponse(WebhookDeliveryResponseDto, 'A page of deliveries')
  @ApiValidation()
  @ApiProblems(NOT_FOUND)
  deliveries(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<Page<WebhookDeliveryResponseDto>> {
    return this.subscriptions.deliveries(actor, id, query);
  }

  @Post(':id/deliveries/:delivery_id/retry')
  @HttpCode(202)
  @Authenticated({ role: 'admin', scope: 'webhooks:manage' })
  @ApiOperation({
    summary: 'Deliver one event again, now',
    description:
      'Any delivery that is not being attempted right now: failed, cancelled, succeeded (a replay) or waiting for a retry. The event keeps its id. ' +
      'The attempt runs in the background; the answer is the delivery, pending.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryResponseDto })
  @ApiInvalidId('delivery_id')
  @ApiProblems(
    NOT_FOUND,
    [WebhookErrors.WEBHOOK_DELIVERY_NOT_FOUND, 'Delivery 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d does not exist'],
    [
      WebhookErrors.WEBHOOK_DELIVERY_IN_PROGRESS,
      'An attempt at delivery 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d is under way; look again in a few seconds',
    ],
    [
      WebhookErrors.WEBHOOK_SUBSCRIPTION_PAUSED,
      'Subscription 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b is paused; resume it (is_active: true) first',
    ],
  )
  retry(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('delivery_id') deliveryId: string,
  ): Promise<WebhookDeliveryResponseDto> {
    return this.subscriptions.retry(actor, id, deliveryId);
  }
}
