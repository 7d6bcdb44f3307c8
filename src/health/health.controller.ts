import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { JobTransport } from '../jobs/transport';
import { Public } from '../common/auth/decorators';

const CHECK_EXAMPLE = { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } };

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly transport: JobTransport,
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
  @ApiOperation({ summary: 'Readiness: the database answers within 3 s, and the queue (Redis) when one is configured' })
  @ApiOkResponse({ description: 'Ready', schema: { type: 'object', example: CHECK_EXAMPLE } })
  @ApiServiceUnavailableResponse({
    description: 'Not ready: a dependency is down',
    schema: { type: 'object', example: { status: 'error', info: {}, error: { database: { status: 'down' } }, details: { database: { status: 'down' } } } },
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3_000 }),
      async () => {
        const queue = this.indicators.check('queue');
        if (!this.transport.queued) return queue.up({ transport: 'in-process' });
        return (await this.transport.ping()) ? queue.up({ transport: 'redis' }) : queue.down({ transport: 'redis' });
      },
    ]);
  }
}
