import { BullModule } from '@nestjs/bull';
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationBootstrap,
  Provider,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BullTransport, bullRootOptions } from './bull-transport';
import { Housekeeping } from './housekeeping';
import { HousekeepingRepository } from './housekeeping.repository';
import { InProcessTransport } from './in-process-transport';
import { JOB_QUEUES } from './job-queues';
import { JobRegistry } from './job-registry';
import { OutboxDispatcher } from './outbox-dispatcher';
import { OutboxRepository } from './outbox.repository';
import { QueueBoardController } from './queue-board.controller';
import { JobTransport } from './transport';

/**
 * Background jobs from the outbox: Bull on Redis when REDIS_URL is set, in-process otherwise.
 * Which process runs the jobs is decided by config.jobs (the worker; the API without Redis).
 */
@Global()
@Module({
  providers: [JobRegistry, OutboxRepository, OutboxDispatcher, Housekeeping, HousekeepingRepository],
  exports: [JobRegistry, JobTransport, OutboxDispatcher, Housekeeping, OutboxRepository],
})
export class JobsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /**
   * With REDIS_URL, BullModule (`@nestjs/bull`) is registered, with one queue per consumer;
   * without it, nothing of Bull is: the embedded default runs with no Redis at all.
   * With QUEUE_BOARD off (the default) the board is not mounted at all: /admin/queues is a 404 like any path that names nothing.
   */
  static forRoot(config: AppConfig): DynamicModule {
    const { redisUrl } = config;
    const transport: Provider[] = redisUrl
      ? [BullTransport, { provide: JobTransport, useExisting: BullTransport }]
      : [{ provide: JobTransport, useClass: InProcessTransport }];
    return {
      module: JobsModule,
      imports: redisUrl
        ? [
            BullModule.forRoot(bullRootOptions(redisUrl, config.jobs.queuePrefix, config.jobs.lockSeconds)),
            BullModule.registerQueue(...JOB_QUEUES.map((name) => ({ name }))),
          ]
        : [],
      providers: transport,
      controllers: config.queueBoard.mode === 'off' ? [] : [QueueBoardController],
    };
  }

  constructor(
    @Inject(JobTransport) private readonly transport: JobTransport,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobs.process) this.registry.each((consumer) => void this.transport.work([consumer]));
  }

  /**
   * Nest runs every `onModuleDestroy` first, then `beforeApplicationShutdown`, then
   * `onApplicationShutdown` (where TypeORM, the OCR pool and BullModule's queues close):
   * stopping the jobs here lets a running job finish with everything it needs still open.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
