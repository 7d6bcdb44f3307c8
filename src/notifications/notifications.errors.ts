import { defineErrors } from '../common/errors/domain-error';

export const NotificationErrors = defineErrors({
  NOTIFICATION_NOT_FOUND: { status: 404, title: 'Notification not found' },
});
