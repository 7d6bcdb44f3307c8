import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxService } from '../../common/outbox/outbox.service';
import { Mailer } from '../mailer';
import type { NotificationEntityType, NotificationType } from '../notification.entity';
import type { Recipient } from '../notification-subjects.repository';
import type { NotificationText } from '../notification-text';
import { NotificationsRepository } from '../notifications.repository';

export interface PlannedNotification {
  recipient: Recipient;
  type: NotificationType;
  text: NotificationText;
  entityType: NotificationEntityType;
  entityId: string;
}

/**
 * Puts notifications in inboxes, inside the caller's transaction. A notification is keyed by
 * the event it comes from, its recipient and its type: writing it again does nothing. When
 * SMTP is configured and the recipient is active with e-mail notifications on, its e-mail is
 * queued in the same transaction (an outbox row `notification.email`), so either both exist
 * or neither does.
 */
@Injectable()
export class NotificationWriter {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly outbox: OutboxService,
    private readonly mailer: Mailer,
  ) {}

  /** How many were new. */
  async write(
    tx: EntityManager,
    organizationId: string,
    sourceKey: string,
    planned: PlannedNotification[],
  ): Promise<number> {
    let created = 0;
    for (const p of planned) {
      const emailed = this.mailer.enabled && p.recipient.isActive && p.recipient.emailNotifications;
      const id = await this.notifications.insertIfNew(tx, {
        organizationId,
        userId: p.recipient.id,
        type: p.type,
        title: p.text.title,
        body: p.text.body,
        entityType: p.entityType,
        entityId: p.entityId,
        sourceKey,
        emailStatus: emailed ? 'pending' : 'none',
      });
      if (id === null) continue;
      created += 1;
      if (emailed) await this.outbox.enqueue(tx, organizationId, 'notification.email', { notification_id: id });
    }
    return created;
  }
}
