import { All, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express from 'express';
import type { Request, Response } from 'express';
import { Authenticated } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { BullTransport } from './bull-transport';
import { JobRegistry } from './job-registry';
import { JobTransport } from './transport';

export const QUEUE_BOARD_PATH = '/admin/queues';
/** A browser cannot send a bearer header when it opens a page; this cookie carries the token instead. */
export const QUEUE_BOARD_COOKIE = 'spendin_queue_board';

/**
 * Bull Board, the queues' web UI, at /admin/queues for admins (with REDIS_URL; without Redis
 * jobs run from the outbox table and there is no queue to show). Every request goes through
 * the usual authentication: a bearer header, or for a browser the cookie that
 * `POST /api/v1/admin/queue-board/session` sets.
 */
@ApiTags('Queues')
@Controller()
export class QueueBoardController {
  private board?: express.Express;

  constructor(
    @Inject(JobTransport) private readonly transport: JobTransport,
    private readonly registry: JobRegistry,
  ) {}

  @Post('admin/queue-board/session')
  @HttpCode(204)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Open the queue board in this browser',
    description: `Sets an HttpOnly cookie (path ${QUEUE_BOARD_PATH}, SameSite=Strict) holding the caller's access token, so that the browser can then open ${QUEUE_BOARD_PATH}. Admins only.`,
  })
  @ApiNoContentResponse({ description: 'Cookie set' })
  session(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    response.cookie(QUEUE_BOARD_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: QUEUE_BOARD_PATH, secure: request.secure, maxAge: 15 * 60 * 1000 });
  }

  @All(['admin/queues', 'admin/queues/{*path}'])
  @Authenticated({ role: 'admin' })
  @ApiExcludeEndpoint()
  serve(@Req() request: Request, @Res() response: Response): void {
    if (!(this.transport instanceof BullTransport)) {
      throw CommonErrors.SERVICE_UNAVAILABLE('The queue board needs REDIS_URL: without Redis, jobs run in the API process from the outbox table');
    }
    this.board ??= this.createBoard(this.transport);
    this.board(request, response);
  }

  private createBoard(transport: BullTransport): express.Express {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: this.registry.all().map((c) => new BullAdapter(transport.queue(c.name))), serverAdapter: adapter });
    const app = express();
    app.use(QUEUE_BOARD_PATH, adapter.getRouter());
    return app;
  }
}
