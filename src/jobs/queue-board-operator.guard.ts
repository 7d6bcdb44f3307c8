import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CommonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';

/** The user name a browser's Basic prompt must be given; the password is QUEUE_BOARD_PASSWORD. */
export const QUEUE_BOARD_USER = 'operator';

/**
 * Who may open the queue board: the installation's operator, never an organization's user.
 * The board shows every tenant's queues, and read-write it changes them, so no organization
 * role (an admin included) is enough; a bearer token is not even looked at. The operator
 * proves themself with HTTP Basic (user `operator`, QUEUE_BOARD_PASSWORD), which a browser
 * asks for by itself when it opens the page. This class is the whole check: an
 * installation-level operator account can take its place without touching the board.
 */
@Injectable()
export class QueueBoardOperatorGuard implements CanActivate {
  /** SHA-256 of `operator:<password>`: both sides are hashed, so comparing them takes the same time whatever was sent. */
  private readonly expected: Buffer | null;

  constructor(config: AppConfig) {
    const board = config.queueBoard;
    this.expected = board.mode === 'off' ? null : sha256(Buffer.from(`${QUEUE_BOARD_USER}:${board.password}`, 'utf8'));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.admits(request.headers.authorization)) return true;
    // The same answer for no credentials and wrong ones; the header makes a browser ask.
    throw CommonErrors.AUTHENTICATION_REQUIRED(
      `The queue board is for the installation's operator: HTTP Basic, user "${QUEUE_BOARD_USER}", with QUEUE_BOARD_PASSWORD`,
      {
        headers: { 'WWW-Authenticate': 'Basic realm="Spendin queue board", charset="UTF-8"' },
      },
    );
  }

  private admits(authorization: string | undefined): boolean {
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization ?? '');
    if (!match || !this.expected) return false;
    return timingSafeEqual(sha256(Buffer.from(match[1], 'base64')), this.expected);
  }
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
