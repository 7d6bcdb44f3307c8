import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { IdentityModule } from '../identity/identity.module';
import { UsersModule } from '../users/users.module';
import { IdentityEventsController } from './inbound/identity-events.controller';
import { IdentityEventsPipe } from './inbound/identity-events.pipe';
import { IdentityEventsService } from './inbound/identity-events.service';
import { IdentityProviderController } from './inbound/identity-provider.controller';
import { IdentityProviderService } from './inbound/identity-provider.service';
import { IdentityProvidersRepository } from './inbound/identity-providers.repository';
import { IdentitySignatureGuard } from './inbound/identity-signature.guard';
import { SecretsAtRest } from './secrets-at-rest';
import { DeliveryAttempts } from './use-cases/delivery-attempts';
import { EventFanout } from './use-cases/event-fanout';
import { WebhookSubscriptionsController } from './webhook-subscriptions.controller';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Webhooks both ways. Outbound: admins subscribe URLs to events; the `webhooks` job turns
 * outbox events into signed deliveries and `webhook-deliveries` makes each attempt. Nobody
 * calls this module to send one: it reacts to the outbox, as notifications do. Inbound: each
 * organization's identity provider's user and role events, signed with that organization's
 * secret, applied through the users module.
 */
@Module({
  imports: [UsersModule, OrganizationsModule, IdentityModule],
  controllers: [WebhookSubscriptionsController, IdentityEventsController, IdentityProviderController],
  providers: [
    WebhookSubscriptionsService,
    WebhooksRepository,
    WebhookDeliveriesRepository,
    WebhookEventsRepository,
    SecretsAtRest,
    EventFanout,
    DeliveryAttempts,
    IdentityEventsService,
    IdentityProviderService,
    IdentityProvidersRepository,
    IdentitySignatureGuard,
    IdentityEventsPipe,
  ],
})
export class WebhooksModule {}
