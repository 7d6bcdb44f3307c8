import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from '../common/metrics/metrics';
import { poolStats } from '../database/sql';
import { BacklogProbe } from './backlog-probe';

/**
 * The text a GET /metrics answers (API and worker): the gauges of other modules' state are set
 * here, at scrape time, from cheap bounded looks (the pool's counters in memory, one indexed
 * query on the outbox, a few Redis calls per queue). A look that fails or times out leaves its
 * gauges out of this scrape and sets `spendin_metrics_collector_up{collector}` to 0; the
 * scrape itself still answers.
 */
@Injectable()
export class MetricsScrape {
  private readonly pool: Gauge<'state'>;
  private readonly outboxBacklog: Gauge;
  private readonly outboxDue: Gauge;
  private readonly outboxLag: Gauge;
  private readonly queueJobs: Gauge<'queue' | 'state'>;

  constructor(
    private readonly metrics: Metrics,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly backlog: BacklogProbe,
  ) {
    const registers = [metrics.registry];
    this.pool = new Gauge({
      name: 'spendin_db_pool_connections',
      help: 'Database pool connections: in_use, idle, and waiting (requests waiting for a connection)',
      labelNames: ['state'],
      registers,
    });
    this.outboxBacklog = new Gauge({
      name: 'spendin_outbox_backlog',
      help: 'Outbox rows not yet dispatched (and not given up on), due or scheduled later',
      registers,
    });
    this.outboxDue = new Gauge({ name: 'spendin_outbox_due', help: 'Outbox rows due for dispatch now', registers });
    this.outboxLag = new Gauge({
      name: 'spendin_outbox_oldest_due_age_seconds',
      help: 'How long the outbox row due longest has waited for dispatch (0: none due)',
      registers,
    });
    this.queueJobs = new Gauge({
      name: 'spendin_queue_jobs',
      help: 'Jobs on each Bull queue by state: waiting, active, delayed, failed (with Redis only)',
      labelNames: ['queue', 'state'],
      registers,
    });
  }

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  async text(): Promise<string> {
    const { collectorUp } = this.metrics;
    const pool = poolStats(this.dataSource);
    this.pool.set({ state: 'in_use' }, pool.total - pool.idle);
    this.pool.set({ state: 'idle' }, pool.idle);
    this.pool.set({ state: 'waiting' }, pool.waiting);

    const [lag, queues] = await Promise.all([this.backlog.outboxLag(), this.backlog.queues()]);
    for (const gauge of [this.outboxBacklog, this.outboxDue, this.outboxLag]) gauge.reset();
    if (lag) {
      this.outboxBacklog.set(lag.backlog);
      this.outboxDue.set(lag.due);
      this.outboxLag.set(lag.oldestDueSeconds ?? 0);
    }
    collectorUp.set({ collector: 'outbox' }, lag ? 1 : 0);
    this.queueJobs.reset();
    for (const queue of queues ?? []) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'] as const)
        this.queueJobs.set({ queue: queue.queue, state }, queue[state]);
    }
    collectorUp.set({ collector: 'queues' }, queues ? 1 : 0);
    return this.metrics.registry.metrics();
  }
}
