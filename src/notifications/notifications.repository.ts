import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
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
    const rows = await runSql<{ id: string }>(tx, INSERT_IF_NEW, [
      n.organizationId,
      n.userId,
      n.type,
      n.title,
      n.body,
      n.entityType,
      n.entityId,
      n.sourceKey,
      n.emailStatus,
    ]);
    return rows[0]?.id ?? null;
  }

  /**
   * Newest first; `total` counts every match of the filter. The count and the page are one
   * statement (one round trip, one snapshot).
   */
  async inbox(
    organizationId: string,
    userId: string,
    filter: { unreadOnly: boolean; limit: number; offset: number; cursor?: string },
  ): Promise<Page<Notification>> {
    const values: unknown[] = [organizationId, userId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const matches = `n.organization_id = $1 AND n.user_id = $2${filter.unreadOnly ? ' AND n.read_at IS NULL' : ''}`;
    let page: string;
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']);
      page = `${matches} AND (n.created_at, n.id) < (${param(createdAt)}::timestamptz, ${param(id)}::uuid) ORDER BY n.created_at DESC, n.id DESC LIMIT ${param(filter.limit)}`;
    } else {
      page = `${matches} ORDER BY n.created_at DESC, n.id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<NotificationRow & { total: string }>(
      this.dataSource,
      variant(
        'notifications.inbox',
        `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM notifications n WHERE ${matches}) c
         LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM notifications n WHERE ${page}) p ON true
         ORDER BY p.created_at DESC, p.id DESC`,
      ),
      values,
    );
    const total = Number(rows[0]?.total ?? 0);
    const items = rows.filter((row) => row.id !== null).map(toNotification);
    return toPage(items, total, filter, (last) => [last.createdAt.toISOString(), last.id]);
  }

  async lockOwn(tx: EntityManager, organizationId: string, userId: string, id: string): Promise<Notification | null> {
    const [row] = await runSql<NotificationRow>(tx, LOCK_OWN, [organizationId, userId, id]);
    return row ? toNotification(row) : null;
  }

  async markRead(tx: EntityManager, notification: Notification): Promise<void> {
    const [row] = await runSql<{ read_at: Date }>(tx, MARK_READ, [notification.organizationId, notification.id]);
    notification.readAt = row.read_at;
  }

  /** Marks every unread notification of the user read; how many there were. */
  async markAllRead(tx: EntityManager, organizationId: string, userId: string): Promise<number> {
    const [row] = await runSql<{ updated: number }>(tx, MARK_ALL_READ, [organizationId, userId]);
    return row.updated;
  }

  /**
   * The notification and its recipient's address and choices. The users table belongs to the
   * users module; this read model of the recipient is deliberate (notifications sit below the
   * modules that announce events and call none of them), and reads only these four columns.
   */
  async forEmail(organizationId: string, id: string): Promise<EmailDelivery | null> {
    const [row] = await runSql<
      NotificationRow & { email: string; full_name: string; is_active: boolean; email_notifications: boolean }
    >(this.dataSource, FOR_EMAIL, [organizationId, id]);
    if (!row) return null;
    return {
      notification: toNotification(row),
      email: row.email,
      fullName: row.full_name,
      isActive: row.is_active,
      emailNotifications: row.email_notifications,
    };
  }

  async recordEmail(
    organizationId: string,
    id: string,
    outcome: { status: EmailStatus; attempted: boolean; error: string | null },
  ): Promise<void> {
    await runSql(this.dataSource, RECORD_EMAIL, [organizationId, id, outcome.status, outcome.error, outcome.attempted]);
  }
}

interface NotificationRow {
  id: string;
  organization_id: string;
  user_id: string;
  type: NotificationType;
  title: string;
  body: string;
  entity_type: NotificationEntityType;
  entity_id: string;
  source_key: string;
  read_at: Date | null;
  email_status: EmailStatus;
  email_attempts: number;
  email_error: string | null;
  emailed_at: Date | null;
  created_at: Date;
}

export function toNotification(row: NotificationRow): Notification {
  return Object.assign(new Notification(), {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    type: row.type,
    title: row.title,
    body: row.body,
    entityType: row.entity_type,
    entityId: row.entity_id,
    sourceKey: row.source_key,
    readAt: row.read_at,
    emailStatus: row.email_status,
    emailAttempts: row.email_attempts,
    emailError: row.email_error,
    emailedAt: row.emailed_at,
    createdAt: row.created_at,
  });
}

const COLUMNS = `n.id, n.organization_id, n.user_id, n.type, n.title, n.body, n.entity_type, n.entity_id, n.source_key, n.read_at,
                 n.email_status, n.email_attempts, n.email_error, n.emailed_at, n.created_at`;

const INSERT_IF_NEW: Statement = {
  name: 'notifications.insert_if_new',
  text: `INSERT INTO notifications (organization_id, user_id, type, title, body, entity_type, entity_id, source_key, email_status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT ON CONSTRAINT notifications_source_key DO NOTHING
         RETURNING id`,
};

const LOCK_OWN: Statement = {
  name: 'notifications.lock_own',
  text: `SELECT ${COLUMNS} FROM notifications n WHERE n.organization_id = $1 AND n.user_id = $2 AND n.id = $3 FOR UPDATE`,
};

const MARK_READ: Statement = {
  name: 'notifications.mark_read',
  text: `UPDATE notifications SET read_at = now() WHERE organization_id = $1 AND id = $2 RETURNING read_at`,
};

const MARK_ALL_READ: Statement = {
  name: 'notifications.mark_all_read',
  text: `WITH marked AS (
           UPDATE notifications SET read_at = now() WHERE organization_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING 1
         )
         SELECT count(*)::int AS updated FROM marked`,
};

const FOR_EMAIL: Statement = {
  name: 'notifications.for_email',
  text: `SELECT ${COLUMNS}, u.email, u.full_name, u.is_active, u.email_notifications
         FROM notifications n JOIN users u ON u.organization_id = n.organization_id AND u.id = n.user_id
         WHERE n.organization_id = $1 AND n.id = $2`,
};

const RECORD_EMAIL: Statement = {
  name: 'notifications.record_email',
  text: `UPDATE notifications
         SET email_status = $3, email_error = $4,
             email_attempts = email_attempts + CASE WHEN $5::boolean THEN 1 ELSE 0 END,
             emailed_at = CASE WHEN $3 = 'sent' THEN now() ELSE emailed_at END
         WHERE organization_id = $1 AND id = $2`,
};
