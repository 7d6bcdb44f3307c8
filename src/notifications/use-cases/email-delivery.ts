import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { Mailer } from '../mailer';
import { renderEmail } from '../notification-text';
import { NotificationsRepository } from '../notifications.repository';

/** Tries of one e-mail before it is given up on: with Bull's doubling from 2 s, about 70 minutes of retrying. */
export const EMAIL_ATTEMPTS = 12;

/**
 * The `email` job: sends one notification's e-mail. It runs apart from the request (and from
 * the job that made the notification), so a slow or unreachable SMTP server delays e-mail,
 * never an answer. A failure is recorded on the notification (`email_error`, attempts) and
 * thrown, and the transport retries with exponential backoff; after the last try the e-mail
 * is `failed`. Idempotent: an e-mail already sent is not sent again. No transaction is open
 * while the SMTP server is talked to.
 */
@Injectable()
export class EmailDelivery implements OnModuleInit {
  private readonly logger = new Logger('EmailDelivery');

  constructor(
    private readonly registry: JobRegistry,
    private readonly notifications: NotificationsRepository,
    private readonly mailer: Mailer,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'email',
      topics: ['notification.email'],
      handle: (job) => this.deliver(job),
      attempts: EMAIL_ATTEMPTS,
      backoffMs: 2_000,
      concurrency: 2,
    });
  }

  async deliver(job: OutboxJob<'notification.email'>): Promise<void> {
    const id = job.payload.notification_id;
    if (typeof id !== 'string' || !isUUID(id)) return;
    const delivery = await this.notifications.forEmail(job.organizationId, id);
    if (!delivery || !['pending', 'failed'].includes(delivery.notification.emailStatus)) return;
    const { notification } = delivery;
    if (!delivery.isActive || !delivery.emailNotifications) {
      // Turned off (or deactivated) after the notification was made: respect it.
      await this.notifications.recordEmail(job.organizationId, id, {
        status: 'skipped',
        attempted: false,
        error: null,
      });
      return;
    }
    const email = renderEmail(notification, delivery.fullName);
    try {
      await this.mailer.send({ to: delivery.email, ...email, messageId: this.mailer.messageIdFor(notification.id) });
    } catch (error) {
      const message = ((error as Error).message ?? String(error)).slice(0, 1000);
      const attempt = notification.emailAttempts + 1;
      await this.notifications.recordEmail(job.organizationId, id, {
        status: attempt >= EMAIL_ATTEMPTS ? 'failed' : 'pending',
        attempted: true,
        error: message,
      });
      this.logger.warn(`e-mail of notification ${id} failed (attempt ${attempt} of ${EMAIL_ATTEMPTS}): ${message}`);
      throw error;
    }
    await this.notifications.recordEmail(job.organizationId, id, { status: 'sent', attempted: true, error: null });
  }
}
