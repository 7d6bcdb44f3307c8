import { Injectable } from '@nestjs/common';
import type { OutboxTopic } from '../common/outbox/outbox.service';

/** What a consumer receives: one committed outbox row. */
export interface OutboxJob {
  outboxId: string;
  organizationId: string;
  topic: OutboxTopic;
  payload: Record<string, unknown>;
}

/** Which try of a job this is: a consumer may record a lasting failure on the last one instead of throwing. */
export interface JobAttempt {
  /** 1 on the first try. */
  number: number;
  /** No retry follows if this one throws. */
  last: boolean;
}

/**
 * A consumer of outbox topics (OCR, notifications, webhook deliveries). Its handler must be
 * idempotent: a job can run more than once (a retry, a worker killed mid-way).
 */
export interface Consumer {
  /** Also the Bull queue's name. */
  name: string;
  topics: OutboxTopic[];
  /** `attempt` is given by the transports; a caller that leaves it out runs the job as its only try. */
  handle: (job: OutboxJob, attempt?: JobAttempt) => Promise<void>;
  /** Tries before a job is given up on. */
  attempts: number;
  /** First retry delay; doubled each time. */
  backoffMs: number;
  /** Jobs of this consumer run at once per process. */
  concurrency: number;
  /**
   * Without Redis, run this consumer's jobs in a lane of their own (`concurrency` at once)
   * beside the dispatcher, rather than one after another with every other job: for jobs that
   * take seconds (OCR), which notifications and webhooks must not wait for. With Redis every
   * consumer has a queue of its own anyway.
   */
  ownLane?: boolean;
}

/** Modules register their consumers here at start-up; the transports read them. */
@Injectable()
export class JobRegistry {
  private readonly consumers = new Map<string, Consumer>();
  private onRegister?: (consumer: Consumer) => void;

  register(consumer: Consumer): void {
    if (this.consumers.has(consumer.name)) throw new Error(`Job consumer ${consumer.name} is registered twice`);
    this.consumers.set(consumer.name, consumer);
    this.onRegister?.(consumer);
  }

  /** Calls `start` for every consumer, now and as more register. */
  each(start: (consumer: Consumer) => void): void {
    this.onRegister = start;
    for (const consumer of this.consumers.values()) start(consumer);
  }

  all(): Consumer[] {
    return [...this.consumers.values()];
  }

  forTopic(topic: string): Consumer[] {
    return this.all().filter((c) => (c.topics as string[]).includes(topic));
  }
}
