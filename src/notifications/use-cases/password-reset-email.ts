import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SecretBox } from '../../common/secrets/secret-box';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { Mailer } from '../mailer';
import { escapeHtml } from '../notification-text';

/**
 * The `password-reset-email` job: sends the message of a password reset the auth module made
 * (`auth.password_reset_requested`). The token travels sealed in the outbox row and is opened
 * only here, to be written into the message; it is never logged. A message whose token has
 * expired meanwhile is not sent. Retried on SMTP failures like notification e-mails, for as
 * long as the token lives.
 */
@Injectable()
export class PasswordResetEmail implements OnModuleInit {
  private readonly logger = new Logger('PasswordResetEmail');

  constructor(
    private readonly registry: JobRegistry,
    private readonly mailer: Mailer,
    private readonly box: SecretBox,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'password-reset-email',
      topics: ['auth.password_reset_requested'],
      handle: (job) => this.send(job),
      attempts: 8,
      backoffMs: 2_000,
      concurrency: 2,
    });
  }

  async send(job: OutboxJob<'auth.password_reset_requested'>): Promise<void> {
    const reset = job.payload;
    const expiresAt = new Date(reset.expires_at);
    if (!(expiresAt.getTime() > Date.now())) return;
    if (!this.mailer.enabled) {
      this.logger.warn(`password reset ${reset.reset_id} not e-mailed: SMTP_URL is not set in this process`);
      return;
    }
    const token = this.box.open(reset.token_sealed, `password_reset:${reset.reset_id}`);
    const link = reset.link
      ? `${reset.link}${reset.link.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`
      : null;
    const minutes = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
    const lines = [
      `Hello ${reset.full_name},`,
      '',
      `Someone (we hope you) asked to reset the password of your Spendin account ${reset.to} in ${reset.organization_name}.`,
      link ? `Choose a new password here: ${link}` : `Your reset token: ${token}`,
      `It works once, for about ${minutes} minutes (until ${expiresAt.toISOString()}). Every session of the account ends when the password is reset.`,
      '',
      'If you did not ask for this, ignore this message: your password stays as it is.',
    ];
    try {
      await this.mailer.send({
        to: reset.to,
        subject: `Reset your Spendin password (${reset.organization_name})`.replace(/[\r\n]+/g, ' '),
        text: `${lines.join('\n')}\n`,
        html: [
          '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
          ...lines.filter((line) => line !== '').map((line) => `<p>${escapeHtml(line)}</p>`),
          '</body></html>',
        ].join('\n'),
        messageId: this.mailer.messageIdFor(reset.reset_id),
      });
    } catch (error) {
      this.logger.warn(`password reset ${reset.reset_id} not e-mailed yet: ${(error as Error).message}`);
      throw error;
    }
  }
}
