import { Injectable } from '@nestjs/common';
import type { OutboxTopic, StoredPayload } from '../common/outbox/outbox-events';

/** One committed outbox row as read back, before its payload is checked against its topic. */
export interface OutboxRow {
  outboxId: string;
  organizationId: string;
  topic: OutboxTopic;
  payload: Record<string, unknown>;
  /** The W3C traceparent of the request that wrote the row (tracing on), for the job's span; null otherwise. */
  traceParent?: string | null;
}

/**
 * What a consumer receives: one committed outbox row of one of its topics, its payload typed
 * by the topic (`OutboxEvents`) and checked against it before any consumer sees it. A union
 * over the topics, so a consumer of several narrows the payload by switching on `topic`.
 */
export type OutboxJob<T extends OutboxTopic = OutboxTopic> = {
  [K in T]: { outboxId: string; organizationId: string; topic: K; payload: StoredPayload<K> };
}[T];

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
export interface Consumer<T extends OutboxTopic = OutboxTopic> {
  /** Also the Bull queue's name. */
  name: string;
  topics: readonly T[];
  /** `attempt` is given by the transports; a caller that leaves it out runs the job as its only try. */
  handle: (job: OutboxJob<T>, attempt?: JobAttempt) => Promise<void>;
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

/**
 * A consumer as the registry keeps it for the transports, its topics erased: they hand it rows
 * of its own topics only, whose payload they have checked first (`outboxPayloadProblem`).
 */
export type RegisteredConsumer = Omit<Consumer, 'handle'> & {
  handle: (row: OutboxRow, attempt?: JobAttempt) => Promise<void>;
};

/** Modules register their consumers here at start-up; the transports read them. */
@Injectable()
export class JobRegistry {
  private readonly consumers = new Map<string, RegisteredConsumer>();
  private onRegister?: (consumer: RegisteredConsumer) => void;

  /** Typed by its topics: the handler receives the payloads `OutboxEvents` gives them. */
  register<T extends OutboxTopic>(typed: Consumer<T>): void {
    // Stored untyped: the registry hands a consumer only rows of its own topics (`forTopic`).
    const consumer = typed as unknown as RegisteredConsumer;
    if (this.consumers.has(consumer.name)) throw new Error(`Job consumer ${consumer.name} is registered twice`);
    this.consumers.set(consumer.name, consumer);
    this.onRegister?.(consumer);
  }

  /** Calls `start` for every consumer, now and as more register. */
  each(start: (consumer: RegisteredConsumer) => void): void {
    this.onRegister = start;
    for (const consumer of this.consumers.values()) start(consumer);
  }

  all(): RegisteredConsumer[] {
    return [...this.consumers.values()];
  }

  forTopic(topic: string): RegisteredConsumer[] {
    return this.all().filter((c) => (c.topics as readonly string[]).includes(topic));
  }
}
