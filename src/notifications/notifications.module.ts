import { Module } from '@nestjs/common';
import { Mailer } from './mailer';
import { NotificationSubjects } from './notification-subjects.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { ApprovalNotifications } from './use-cases/approval-notifications';
import { EmailDelivery } from './use-cases/email-delivery';
import { EventNotifications } from './use-cases/event-notifications';
import { NotificationWriter } from './use-cases/notification-writer';
import { PasswordResetEmail } from './use-cases/password-reset-email';

/**
 * In-app notifications and their e-mails. Nobody calls this module: it reacts to events in the
 * outbox (its `notifications` job) and sends e-mail from its own (`email`), and the e-mails of
 * password resets the auth module asks for (`password-reset-email`).
 */
@Module({
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    NotificationsRepository,
    NotificationSubjects,
    NotificationWriter,
    EventNotifications,
    ApprovalNotifications,
    EmailDelivery,
    PasswordResetEmail,
    Mailer,
  ],
})
export class NotificationsModule {}
