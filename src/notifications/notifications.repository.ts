import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { countMatches, decodeCursor, Page, toPage } from '../common/pagination/page';
import { EmailStatus, Notification, NotificationEntityType, NotificationType } from './notification.entity';

export interface NewNotification {
  organizationId: string;
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  entityType: NotificationEntityType;
  entityId: string;
  sourceKey: string;
  emailStatus: 'none' | 'pending';
}

/** A notification with what its e-mail needs to know about the recipient, now. */
export interface EmailDelivery {
  notification: Notification;
  email: string;
  fullName: string;
  isActive: boolean;
  emailNotifications: boolean;
}

/** Users' inboxes, always scoped by organization and recipient. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts unless this event already made this notification for this user; the new id, or null. */
  async insertIfNew(tx: EntityManager, n: NewNotification): Promise<string | null> {
    const rows: Array<{ id: string }> = await tx.query(
      `INSERT INTO notifications (organization_id, user_id, type, title, body, entity_type, entity_id, source_key, email_status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT notifications_source_key DO NOTHING
       RETURNING id`,
      [n.organizationId, n.userId, n.type, n.title, n.body, n.entityType, n.entityId, n.sourceKey, n.emailStatus],
    );
    return rows[0]?.id ?? null;
  }

  /** Newest first; `total` counts every match of the filter. */
  async inbox(
    organizationId: string,
    userId: string,
    filter: { unreadOnly: boolean; limit: number; offset: number; cursor?: string },
  ): Promise<Page<Notification>> {
    const query = this.dataSource.manager
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.organization_id = :organizationId AND n.user_id = :userId', { organizationId, userId });
    if (filter.unreadOnly) query.andWhere('n.read_at IS NULL');
    const total = await countMatches(query);
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']);
      query.andWhere('(n.created_at, n.id) < (:createdAt, :id)', { createdAt, id });
    } else {
      query.offset(filter.offset);
    }
    const items = await query.orderBy('n.created_at', 'DESC').addOrderBy('n.id', 'DESC').limit(filter.limit).getMany();
    return toPage(items, total, filter, (last) => [last.createdAt.toISOString(), last.id]);
  }

  lockOwn(tx: EntityManager, organizationId: string, userId: string, id: string): Promise<Notification | null> {
    return tx
      .getRepository(Notification)
      .createQueryBuilder('n')
      .setLock('pessimistic_write')
      .where('n.organization_id = :organizationId AND n.user_id = :userId AND n.id = :id', {
        organizationId,
        userId,
        id,
      })
      .getOne();
  }

  async markRead(tx: EntityManager, notification: Notification): Promise<void> {
    const [rows]: [Array<{ read_at: Date }>, number] = await tx.query(
      `UPDATE notifications SET read_at = now() WHERE organization_id = $1 AND id = $2 RETURNING read_at`,
      [notification.organizationId, notification.id],
    );
    notification.readAt = rows[0].read_at;
  }

  /** Marks every unread notification of the user read; how many there were. */
  async markAllRead(tx: EntityManager, organizationId: string, userId: string): Promise<number> {
    const [, updated]: [unknown[], number] = await tx.query(
      `UPDATE notifications SET read_at = now() WHERE organization_id = $1 AND user_id = $2 AND read_at IS NULL`,
      [organizationId, userId],
    );
    return updated;
  }

  async forEmail(organizationId: string, id: string): Promise<EmailDelivery | null> {
    const notification = await this.dataSource.manager.findOne(Notification, { where: { organizationId, id } });
    if (!notification) return null;
    const [recipient]: Array<{ email: string; full_name: string; is_active: boolean; email_notifications: boolean }> =
      await this.dataSource.query(
        // The users table belongs to the users module; only the recipient's address and choices are read.
        `SELECT email, full_name, is_active, email_notifications FROM users WHERE organization_id = $1 AND id = $2`,
        [organizationId, notification.userId],
      );
    if (!recipient) return null;
    return {
      notification,
      email: recipient.email,
      fullName: recipient.full_name,
      isActive: recipient.is_active,
      emailNotifications: recipient.email_notifications,
    };
  }

  async recordEmail(
    organizationId: string,
    id: string,
    outcome: { status: EmailStatus; attempted: boolean; error: string | null },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications
       SET email_status = $3, email_error = $4,
           email_attempts = email_attempts + CASE WHEN $5::boolean THEN 1 ELSE 0 END,
           emailed_at = CASE WHEN $3 = 'sent' THEN now() ELSE emailed_at END
       WHERE organization_id = $1 AND id = $2`,
      [organizationId, id, outcome.status, outcome.error, outcome.attempted],
    );
  }
}
