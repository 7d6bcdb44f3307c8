import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { CommonErrors } from '../errors/common.errors';
import { ErrorFormats } from '../errors/error-formats';
import { writeProblem } from '../errors/problem.filter';

/**
 * Nest answers unknown routes under the global prefix (/api/v1) with a NotFoundException,
 * which the problem filter turns into 404 ROUTE_NOT_FOUND; a path outside it (`GET /nope`)
 * reached Express's final handler, which answers an HTML "Cannot GET". This handler is
 * appended once every route is registered (bootstrap runs after the router), so it sees only
 * requests nothing else answered, and gives them the same problem.
 */
@Injectable()
export class RouteNotFoundFallback implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly formats: ErrorFormats,
  ) {}

  onApplicationBootstrap(): void {
    // The worker has no HTTP server.
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    adapter.use((request: Request, response: Response) => {
      const problem = CommonErrors.ROUTE_NOT_FOUND(`No route for ${request.method} ${request.path}`);
      (this.formats.writerFor(request) ?? writeProblem)(response, problem, String(request.id ?? ''));
    });
  }
}
