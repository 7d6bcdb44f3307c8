import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { metricsAccess } from '../common/metrics/metrics-access';
import { AppConfig } from '../config/app-config';
import { MetricsScrape } from './metrics-scrape';

/** What a scrape without the right token is told (the token itself is never named). */
export const METRICS_CHALLENGE = 'Bearer realm="Spendin metrics"';

/**
 * GET /metrics (Prometheus text format), outside /api/v1 and outside the OpenAPI document: an
 * operational endpoint for the installation's scraper, never an organization's. Registered only
 * when METRICS_ENABLED=true (HealthModule), so that otherwise /metrics is a 404 like any path
 * that names nothing; behind METRICS_TOKEN (a bearer token) when that is set.
 */
@ApiExcludeController()
@Controller('metrics')
// No organization's bearer token opens it: the metrics token alone decides.
@Public()
export class MetricsController {
  constructor(
    private readonly scrape: MetricsScrape,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() response: Response) {
    if (metricsAccess(this.config.metrics, authorization) !== 'allowed')
      throw CommonErrors.AUTHENTICATION_REQUIRED('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', {
        headers: { 'WWW-Authenticate': METRICS_CHALLENGE },
      });
    const text = await this.scrape.text();
    response.setHeader('Content-Type', this.scrape.contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.send(text);
  }
}
