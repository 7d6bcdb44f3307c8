import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { OutboxService } from '../../common/outbox/outbox.service';
import { SecretBox } from '../../common/secrets/secret-box';
import { Metrics } from '../../common/metrics/metrics';
import { AppConfig } from '../../config/app-config';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { checkWebhookUrl } from '../delivery/address-policy';
import { retryDelayMs } from '../delivery/retry-schedule';
import { signatureHeader } from '../delivery/signature';
import { postWebhook, WebhookAnswer } from '../delivery/webhook-http';
import { SecretsAtRest } from '../secrets-at-rest';
import { openSecret } from '../subscription-secrets';
import { ClaimedDelivery, WebhookDeliveriesRepository } from '../webhook-deliveries.repository';

/**
 * The `webhook-deliveries` job: one attempt at one delivery. Every attempt is its own outbox
 * row (`{delivery_id, attempt}`), so the retry schedule (from 30 s doubling to 6 h, over
 * about 26.5 hours) is the outbox's `available_at`, the same with Redis or without, and
 * survives restarts. An attempt first claims the delivery (`pending` with the previous
 * attempt's number → `delivering`): a job that runs twice, or a stale one after a manual
 * retry, finds nothing to claim and does nothing. No transaction is open while the receiver
 * is talked to. An attempt whose process died is taken over once it is clearly stale.
 */
@Injectable()
export class DeliveryAttempts implements OnModuleInit {
  private readonly logger = new Logger('WebhookDeliveries');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    private readonly box: SecretBox,
    private readonly secretsAtRest: SecretsAtRest,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'webhook-deliveries',
      topics: ['webhook.delivery'],
      handle: (job) => this.attempt(job),
      attempts: 8,
      backoffMs: 5_000,
      concurrency: 4,
    });
  }

  async attempt(job: OutboxJob<'webhook.delivery'>): Promise<void> {
    const deliveryId = job.payload.delivery_id;
    const attempt = job.payload.attempt;
    if (
      typeof deliveryId !== 'string' ||
      !isUUID(deliveryId) ||
      typeof attempt !== 'number' ||
      !Number.isInteger(attempt) ||
      attempt < 1
    )
      return;
    const claimed = await this.claim(job.organizationId, deliveryId, attempt);
    if (!claimed) return;
    if (!claimed.live) {
      await this.deliveries.cancelClaimed(job.organizationId, deliveryId, attempt);
      return;
    }
    const body = JSON.stringify({
      id: claimed.event_id,
      type: claimed.type,
      created_at: claimed.occurred_at.toISOString(),
      organization_id: job.organizationId,
      spend_id: claimed.spend_id,
      sequence: claimed.sequence,
      data: claimed.data,
    });
    const allowPrivate = this.config.webhooks.allowPrivateUrls;
    const target = checkWebhookUrl(claimed.url, allowPrivate);
    const secret = await this.secretOf(job.organizationId, claimed);
    const answer: WebhookAnswer = !target.ok
      ? { answered: false, error: `the url ${target.reason}`, durationMs: 0 }
      : !secret.ok
        ? { answered: false, error: secret.error, durationMs: 0 }
        : await postWebhook({
            url: target.url,
            body,
            allowPrivate,
            timeoutMs: this.config.webhooks.timeoutMs,
            headers: {
              'content-type': 'application/json',
              'user-agent': 'Spendin-Webhooks/1',
              'x-spendin-event-id': claimed.event_id,
              'x-spendin-event-type': claimed.type,
              'x-spendin-delivery-id': deliveryId,
              'x-spendin-signature': signatureHeader(secret.value, body, Math.floor(Date.now() / 1000)),
            },
          });
    await this.record(job.organizationId, deliveryId, attempt, answer);
  }

  /**
   * The subscription's signing secret. A row still in plain text (written by a process of the
   * previous version during an upgrade) is used, and sealed now. A secret sealed under a key
   * this process lacks makes a failed attempt that says so, and retries follow as for any
   * failure, so that restarting with the right SECRETS_PREVIOUS_KEYS lets them through.
   */
  private async secretOf(
    organizationId: string,
    claimed: ClaimedDelivery,
  ): Promise<{ ok: true; value: string } | { ok: false; error: string }> {
    const stored = { id: claimed.subscription_id, secret: claimed.secret, secretCiphertext: claimed.secret_ciphertext };
    let value: string;
    try {
      value = openSecret(this.box, stored);
    } catch (error) {
      return { ok: false, error: `the subscription's secret cannot be read: ${(error as Error).message}` };
    }
    if (stored.secretCiphertext === null) await this.secretsAtRest.sealSubscription(organizationId, stored);
    return { ok: true, value };
  }

  /**
   * Takes the delivery for this attempt. Throws when another process is in the middle of the
   * same attempt (the transport retries the job later); null when there is nothing to do.
   */
  private async claim(organizationId: string, deliveryId: string, attempt: number): Promise<ClaimedDelivery | null> {
    const staleSeconds = Math.ceil(this.config.webhooks.timeoutMs / 1000) + 30;
    const claimed = await this.deliveries.claim(organizationId, deliveryId, attempt, staleSeconds);
    if (claimed) return claimed;
    const current = await this.deliveries.state(organizationId, deliveryId);
    if (current?.status === 'delivering' && current.attempts === attempt)
      throw new Error(`attempt ${attempt} at webhook delivery ${deliveryId} is under way elsewhere`);
    return null;
  }

  /** The attempt's outcome, and the next attempt's job when it failed and retries remain, in one transaction. */
  private async record(
    organizationId: string,
    deliveryId: string,
    attempt: number,
    answer: WebhookAnswer,
  ): Promise<void> {
    const succeeded = answer.answered && answer.status >= 200 && answer.status < 300;
    const error = succeeded
      ? null
      : answer.answered
        ? `receiver answered ${answer.status}${answer.status >= 300 && answer.status < 400 ? ' (redirects are not followed)' : ''}`
        : answer.error;
    const delayMs = succeeded ? null : retryDelayMs(attempt, this.config.webhooks.retryBaseMs);
    const status = succeeded ? 'succeeded' : delayMs === null ? 'failed' : 'pending';
    let counted = false;
    await this.dataSource.transaction(async (tx) => {
      const recorded = await this.deliveries.recordAttempt(tx, organizationId, deliveryId, attempt, {
        status,
        responseStatus: answer.answered ? answer.status : null,
        responseBody: answer.answered ? scrub(answer.body) : null,
        error,
        durationMs: answer.durationMs,
        retryInSeconds: (delayMs ?? 0) / 1000,
      });
      // Another process took the attempt over meanwhile (this one was stale): its outcome stands.
      counted = recorded;
      if (!recorded || delayMs === null) return;
      await this.outbox.enqueue(
        tx,
        organizationId,
        'webhook.delivery',
        { delivery_id: deliveryId, attempt: attempt + 1 },
        { delaySeconds: delayMs / 1000 },
      );
    });
    // Once committed, and only by the process whose attempt it was.
    if (counted) this.metrics.webhookAttempted(status === 'pending' ? 'retrying' : status);
    if (!succeeded)
      this.logger.warn(
        `webhook delivery ${deliveryId} attempt ${attempt} failed (${error}); ${delayMs === null ? 'giving up' : `next in ${Math.round(delayMs / 1000)} s`}`,
      );
  }
}

/** What of an answer's body can be stored as text (jsonb and text refuse NUL). */
function scrub(body: string): string {
  return (body.replace(/\u0000/g, '') as string & { toWellFormed(): string }).toWellFormed();
}
