import { defineErrors } from '../common/errors/domain-error';

export const WebhookErrors = defineErrors({
  WEBHOOK_SUBSCRIPTION_NOT_FOUND: { status: 404, title: 'Webhook subscription not found' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: 'Webhook delivery not found' },
  WEBHOOK_URL_FORBIDDEN: { status: 422, title: 'Webhook URL not allowed' },
  WEBHOOK_DELIVERY_IN_PROGRESS: { status: 409, title: 'Webhook delivery in progress' },
  WEBHOOK_SUBSCRIPTION_PAUSED: { status: 409, title: 'Webhook subscription paused' },
  WEBHOOK_UNAUTHORIZED: { status: 401, title: 'Unauthorized webhook source' },
  IDENTITY_EVENT_REJECTED: { status: 422, title: 'Identity event rejected' },
  IDENTITY_ADMIN_GRANT_DISABLED: { status: 403, title: 'The identity provider may not grant the admin role' },
});
