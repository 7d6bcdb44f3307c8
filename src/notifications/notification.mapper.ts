import { NotificationResponseDto } from './dto/notification.dto';
import { Notification } from './notification.entity';

export function toNotificationResponse(notification: Notification): NotificationResponseDto {
  return {
    id: notification.id,
    type: notification.type,
    title: notification.title,
    body: notification.body,
    entity_type: notification.entityType,
    entity_id: notification.entityId,
    read_at: notification.readAt?.toISOString() ?? null,
    created_at: notification.createdAt.toISOString(),
  };
}
