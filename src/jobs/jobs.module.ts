import { Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BullTransport } from './bull-transport';
import { InProcessTransport } from './in-process-transport';
import { JobRegistry } from './job-registry';
import { OutboxDispatcher } from './outbox-dispatcher';
import { JobTransport } from './transport';

/**
 * Background jobs from the outbox: Bull on Redis when REDIS_URL is set, in-process otherwise.
 * Which process runs the jobs is decided by config.jobs (the worker; the API without Redis).
 */
@Global()
@Module({
  providers: [
    JobRegistry,
    OutboxDispatcher,
    {
      provide: JobTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => (config.redisUrl ? new BullTransport(config.redisUrl, config.jobs.queuePrefix) : new InProcessTransport()),
    },
  ],
  exports: [JobRegistry, JobTransport, OutboxDispatcher],
})
export class JobsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(JobTransport) private readonly transport: JobTransport,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobs.process) this.registry.each((consumer) => void this.transport.work([consumer]));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
