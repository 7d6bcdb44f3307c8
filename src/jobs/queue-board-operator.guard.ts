import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import type { Request } from 'express';
import { OperatorPasswords } from '../common/auth/operator';
import { CommonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';

/** The user name that goes with QUEUE_BOARD_PASSWORD at the board's Basic prompt (an operator gives their e-mail instead). */
export const QUEUE_BOARD_USER = 'operator';

/**
 * Who may open the queue board: the installation's operator, never an organization's user.
 * The board shows every tenant's queues, and read-write it changes them, so no organization
 * role (an admin included) is enough; a bearer token is not even looked at. The operator
 * proves themself with HTTP Basic, which a browser asks for by itself when it opens the page:
 * either an operator account's e-mail and password (`npm run cli -- operator create`), checked
 * and throttled like an operator login, or the installation's shared user `operator` with
 * QUEUE_BOARD_PASSWORD. This class is the whole check.
 */
@Injectable()
export class QueueBoardOperatorGuard implements CanActivate {
  /** SHA-256 of `operator:<password>`: both sides are hashed, so comparing them takes the same time whatever was sent. */
  private readonly expected: Buffer | null;

  constructor(
    config: AppConfig,
    @Optional() private readonly operators?: OperatorPasswords,
  ) {
    const board = config.queueBoard;
    this.expected = board.mode === 'off' ? null : sha256(Buffer.from(`${QUEUE_BOARD_USER}:${board.password}`, 'utf8'));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (await this.admits(request.headers.authorization, request.ip ?? 'unknown')) return true;
    // The same answer for no credentials and wrong ones; the header makes a browser ask.
    throw CommonErrors.AUTHENTICATION_REQUIRED(
      `The queue board is for the installation's operator: HTTP Basic with an operator's e-mail and password, or user "${QUEUE_BOARD_USER}" with QUEUE_BOARD_PASSWORD`,
      {
        headers: { 'WWW-Authenticate': 'Basic realm="Spendin queue board", charset="UTF-8"' },
      },
    );
  }

  private async admits(authorization: string | undefined, ip: string): Promise<boolean> {
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization ?? '');
    if (!match || !this.expected) return false;
    const presented = Buffer.from(match[1], 'base64');
    if (timingSafeEqual(sha256(presented), this.expected)) return true;
    const decoded = presented.toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    // An e-mail names an operator account; anything else was the shared user, and is wrong.
    if (colon < 0 || !user.includes('@') || !this.operators) return false;
    return this.operators.check(user, decoded.slice(colon + 1), ip);
  }
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
