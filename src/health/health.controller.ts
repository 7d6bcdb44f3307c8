import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { Public } from '../common/auth/decorators';
import { Readiness, ReadinessReport } from './readiness';

const CHECK_EXAMPLE = {
  status: 'ok',
  info: { database: { status: 'up' } },
  error: {},
  details: { database: { status: 'up' } },
};

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Liveness: the process is up and serving HTTP',
    description: 'For load balancers and orchestrators; needs no token and checks nothing beyond the process itself.',
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: the database answers within 3 s, the queue (Redis) when one is configured, and the receipts bucket when S3 is used',
    description:
      'Needs no token. 503 with the failing check while a dependency is down: take the process out of rotation. ' +
      '200 with `status: "degraded"` when every dependency answers but an outbox row has been due, or a queue\'s oldest job has waited, ' +
      'OUTBOX_STALL_MINUTES or longer (nothing consumes them): alert on it, but keep the process in rotation.',
  })
  @ApiOkResponse({
    description: 'Ready, or degraded (the stalled parts under `degraded`)',
    schema: { type: 'object', example: CHECK_EXAMPLE },
  })
  @ApiServiceUnavailableResponse({
    description: 'Not ready: a dependency is down',
    schema: {
      type: 'object',
      example: {
        status: 'error',
        info: {},
        error: { database: { status: 'down' } },
        details: { database: { status: 'down' } },
      },
    },
  })
  ready(): Promise<ReadinessReport> {
    return this.readiness.check();
  }
}
