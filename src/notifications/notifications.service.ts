import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { Page } from '../common/pagination/page';
import {
  ListNotificationsQuery,
  NotificationResponseDto,
  ReadAllResponseDto,
  ReadResponseDto,
} from './dto/notification.dto';
import { toNotificationResponse } from './notification.mapper';
import { NotificationErrors } from './notifications.errors';
import { NotificationsRepository } from './notifications.repository';

/** A user's own inbox: nobody else's notifications are visible, whatever their role. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, query: ListNotificationsQuery): Promise<Page<NotificationResponseDto>> {
    const page = await this.notifications.inbox(actor.organizationId, actor.userId, {
      unreadOnly: query.unread_only,
      limit: query.limit,
      offset: query.offset,
      cursor: query.cursor,
    });
    return { ...page, items: page.items.map(toNotificationResponse) };
  }

  /** Marks one of the caller's notifications read; reading it again changes nothing. */
  async read(actor: Actor, id: string): Promise<ReadResponseDto> {
    await this.dataSource.transaction(async (tx) => {
      const notification = await this.notifications.lockOwn(tx, actor.organizationId, actor.userId, id);
      if (!notification) throw NotificationErrors.NOTIFICATION_NOT_FOUND(`Notification ${id} does not exist`);
      if (notification.readAt) return;
      await this.notifications.markRead(tx, notification);
      await this.audit.record(tx, actor, {
        action: 'notification.read',
        entityType: 'notification',
        entityId: id,
        metadata: { type: notification.type },
      });
    });
    return { status: 'ok' };
  }

  async readAll(actor: Actor): Promise<ReadAllResponseDto> {
    const updated = await this.dataSource.transaction(async (tx) => {
      const count = await this.notifications.markAllRead(tx, actor.organizationId, actor.userId);
      if (count > 0)
        await this.audit.record(tx, actor, {
          action: 'notification.read_all',
          entityType: 'user',
          entityId: actor.userId,
          metadata: { updated: count },
        });
      return count;
    });
    return { status: 'ok', updated };
  }
}
