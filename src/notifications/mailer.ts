import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per notification, so that a copy sent twice (a crash after sending) is recognisable as the same message. */
  messageId: string;
}

/**
 * Sends e-mail through the SMTP server of SMTP_URL (nodemailer, one connection per message).
 * Errors it throws never carry the URL's credentials: the URL is only ever logged as
 * `config.smtp.server`, and server answers are scrubbed of the user name and password.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transporter?: Transporter;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.smtp !== undefined;
  }

  /** `<id@domain of SMTP_FROM>` */
  messageIdFor(id: string): string {
    const domain = /@([^\s<>@]+)>?\s*$/.exec(this.config.smtp?.from ?? '')?.[1] ?? 'spendin.local';
    return `<${id}@${domain}>`;
  }

  async send(email: OutgoingEmail): Promise<void> {
    const smtp = this.config.smtp;
    if (!smtp) throw new Error('SMTP_URL is not set in this process');
    this.transporter ??= createTransport(
      // Short timeouts: a job waiting on a silent server holds up the jobs behind it.
      {
        url: smtp.url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
        logger: false,
        debug: false,
      },
      { from: smtp.from },
    );
    try {
      await this.transporter.sendMail({ ...email, headers: { 'Auto-Submitted': 'auto-generated' } });
    } catch (error) {
      throw new Error(
        `SMTP server ${smtp.server} did not take the message: ${scrubCredentials((error as Error).message ?? String(error), smtp.url)}`,
      );
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}

/** Removes an SMTP URL's password and user name (and the URL itself) from a text, e.g. a server's error answer. */
export function scrubCredentials(text: string, smtpUrl: string): string {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return text.split(smtpUrl).join('[SMTP_URL]');
  }
  let scrubbed = text.split(smtpUrl).join(`${url.protocol}//${url.host}`);
  for (const secret of [url.password, safeDecode(url.password), url.username, safeDecode(url.username)]) {
    if (secret.length >= 3) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
