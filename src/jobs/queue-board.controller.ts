import { All, Controller, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express from 'express';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';
import { BullTransport } from './bull-transport';
import { JobRegistry } from './job-registry';
import { QueueBoardOperatorGuard } from './queue-board-operator.guard';
import { JobTransport } from './transport';

export const QUEUE_BOARD_PATH = '/admin/queues';

const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** What a browser says of where a request comes from (Sec-Fetch-Site); absent from other clients. */
const OWN_PAGES = new Set(['same-origin', 'none']);

/**
 * Bull Board, the queues' web UI, at /admin/queues: installation-wide, so for the operator
 * only (QueueBoardOperatorGuard), and mounted only when QUEUE_BOARD is not `off` (JobsModule).
 * `read-only` lets nothing change: bull-board's own read-only mode on every queue, and any
 * method but GET and HEAD refused here before it reaches bull-board. Without Redis there is
 * no queue to show: jobs then run from the outbox table.
 */
@ApiExcludeController()
@Controller()
// Not a bearer route: no organization role may open the board, so the bearer guard stands
// aside and the operator guard alone decides.
@Public()
@UseGuards(QueueBoardOperatorGuard)
export class QueueBoardController {
  private board?: express.Express;
  private readonly readOnly: boolean;

  constructor(
    @Inject(JobTransport) private readonly transport: JobTransport,
    private readonly registry: JobRegistry,
    config: AppConfig,
  ) {
    this.readOnly = config.queueBoard.mode !== 'read-write';
  }

  @All(['admin/queues', 'admin/queues/{*path}'])
  serve(@Req() request: Request, @Res() response: Response): void {
    if (!(this.transport instanceof BullTransport)) {
      throw CommonErrors.SERVICE_UNAVAILABLE(
        'The queue board needs REDIS_URL: without Redis, jobs run in the API process from the outbox table',
      );
    }
    if (!SAFE_METHODS.has(request.method)) {
      if (this.readOnly) {
        throw CommonErrors.METHOD_NOT_ALLOWED('The queue board is read-only (QUEUE_BOARD=read-only)', {
          headers: { Allow: 'GET, HEAD' },
        });
      }
      // A browser sends the operator's Basic credentials with any request to this origin, a
      // forged one from another site included: changes are taken from the board's own pages.
      const site = request.headers['sec-fetch-site'];
      if (typeof site === 'string' && !OWN_PAGES.has(site)) {
        throw CommonErrors.INSUFFICIENT_PERMISSIONS('The queue board takes changes from its own pages only');
      }
    }
    this.board ??= this.createBoard(this.transport);
    this.board(request, response);
  }

  private createBoard(transport: BullTransport): express.Express {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUE_BOARD_PATH);
    const options = { readOnlyMode: this.readOnly, allowRetries: !this.readOnly };
    createBullBoard({
      queues: this.registry.all().map((c) => new BullAdapter(transport.queue(c.name), options)),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: this.readOnly ? 'Spendin queues (read-only)' : 'Spendin queues' } },
    });
    const app = express();
    app.use(QUEUE_BOARD_PATH, adapter.getRouter());
    return app;
  }
}
