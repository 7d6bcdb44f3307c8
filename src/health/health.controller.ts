import { Controller, Get, Logger } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { JobTransport } from '../jobs/transport';
import { Public } from '../common/auth/decorators';
import { ReceiptStorage } from '../receipts/storage/receipt-storage';

const CHECK_EXAMPLE = { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } };

@ApiTags('Health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('HealthController');
  private storageDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly transport: JobTransport,
    private readonly storage: ReceiptStorage,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers within 3 s, the queue (Redis) when one is configured, and the receipts bucket when S3 is used' })
  @ApiOkResponse({ description: 'Ready', schema: { type: 'object', example: CHECK_EXAMPLE } })
  @ApiServiceUnavailableResponse({
    description: 'Not ready: a dependency is down',
    schema: { type: 'object', example: { status: 'error', info: {}, error: { database: { status: 'down' } }, details: { database: { status: 'down' } } } },
  })
  ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: 3_000 }),
      async () => {
        const queue = this.indicators.check('queue');
        if (!this.transport.queued) return queue.up({ transport: 'in-process' });
        return (await this.transport.ping()) ? queue.up({ transport: 'redis' }) : queue.down({ transport: 'redis' });
      },
    ];
    const check = this.storage.check?.bind(this.storage);
    if (check) checks.push(() => this.storageCheck(check));
    return this.health.check(checks);
  }

  /** The bucket answers a HEAD within 3 s. Why it does not is logged once per outage, not on every probe. */
  private async storageCheck(check: () => Promise<void>) {
    const storage = this.indicators.check('storage');
    try {
      await check();
      if (this.storageDown) this.logger.log('receipt storage answers again');
      this.storageDown = false;
      return storage.up({ kind: this.storage.kind });
    } catch (error) {
      if (!this.storageDown) this.logger.warn(`receipt storage is down: ${(error as Error).message}`);
      this.storageDown = true;
      return storage.down({ kind: this.storage.kind });
    }
  }
}
