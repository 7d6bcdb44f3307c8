import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import type { Actor } from '../auth/roles';
import { canonicalJson } from '../json/canonical-json';
import { SecretBox } from '../secrets/secret-box';
import { IdempotencyErrors } from './idempotency.errors';
import { IdempotencyRepository } from './idempotency.repository';
import { IDEMPOTENT_KEY, IdempotentOptions, REDACTED_HEADER } from './idempotent.decorator';

const KEY = /^[\x21-\x7e]{1,255}$/;
/** How long a key's answer is replayed; past it the key is forgotten (and deleted by housekeeping). */
export const REPLAY_WINDOW_HOURS = 24;
/** A key still "in progress" after this long belongs to a request that died; it may be retried. */
const STALE_IN_PROGRESS_SECONDS = 120;

/**
 * `Idempotency-Key` for every route marked `@Idempotent()`, implemented once:
 * - the first request claims (user, key) with an INSERT, so that of concurrent requests with
 *   one key exactly one runs; the others answer 409 IDEMPOTENCY_REQUEST_IN_PROGRESS;
 * - its successful answer is stored and replayed, status and body, for 24 h;
 * - the same key with a different method, path or body answers 422 IDEMPOTENCY_KEY_REUSED.
 * A request that fails (a problem answer) created nothing and releases the key, so a
 * corrected retry with the same key runs. A route's `secretFields` never reach the table:
 * the stored answer has them as null (the replay says so in `Idempotent-Redacted`), and the
 * fingerprint of a request that may carry one is an HMAC under a key derived from SECRETS_KEY.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyRepository,
    private readonly box: SecretBox,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_KEY, context.getHandler());
    if (!options) return next.handle();
    const secretFields = options.secretFields ?? [];
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw IdempotencyErrors.INVALID_IDEMPOTENCY_KEY('Idempotency-Key must be 1 to 255 printable ASCII characters');
    }
    const actor = request.user as Actor;
    const response = context.switchToHttp().getResponse<Response>();
    const described = `${request.method} ${request.path}\n${canonicalJson(request.body ?? null)}\n${fileDigest(request)}`;
    const fingerprint =
      secretFields.length > 0 ? this.box.fingerprint(described) : createHash('sha256').update(described).digest('hex');

    return from(this.claim(actor, header, request, fingerprint)).pipe(
      mergeMap((replay) => {
        if (replay) {
          response.status(replay.status);
          response.setHeader('Idempotent-Replayed', 'true');
          if (secretFields.length > 0) response.setHeader(REDACTED_HEADER, secretFields.join(', '));
          return of(replay.body);
        }
        return next.handle().pipe(
          mergeMap((body) =>
            from(this.complete(actor, header, response.statusCode, redact(body, secretFields))).pipe(
              mergeMap(() => of(body)),
            ),
          ),
          catchError((error: unknown) =>
            from(this.release(actor, header)).pipe(
              mergeMap(() => {
                throw error;
              }),
            ),
          ),
        );
      }),
    );
  }

  /** Claims the key, or answers the stored response to replay; throws for a conflict. */
  private async claim(
    actor: Actor,
    key: string,
    request: Request,
    fingerprint: string,
  ): Promise<{ status: number; body: unknown } | null> {
    const claimed = await this.keys.claim(
      {
        userId: ownerOf(actor),
        key,
        organizationId: actor.organizationId,
        method: request.method,
        path: request.path,
        fingerprint,
      },
      REPLAY_WINDOW_HOURS,
      STALE_IN_PROGRESS_SECONDS,
    );
    if (claimed) return null;
    const existing = await this.keys.lookup(ownerOf(actor), key);
    if (!existing) return this.claim(actor, key, request, fingerprint);
    if (existing.requestHash !== fingerprint) {
      throw IdempotencyErrors.IDEMPOTENCY_KEY_REUSED(
        'This Idempotency-Key was used with a different request; use a new key for a new request',
      );
    }
    if (existing.status === 'in_progress') {
      throw IdempotencyErrors.IDEMPOTENCY_REQUEST_IN_PROGRESS(
        'The first request with this Idempotency-Key is still running; retry shortly',
        { headers: { 'Retry-After': '1' } },
      );
    }
    return { status: existing.responseStatus, body: existing.responseBody };
  }

  private async complete(actor: Actor, key: string, status: number, body: unknown): Promise<void> {
    await this.keys.complete(ownerOf(actor), key, status, JSON.stringify(body ?? null));
  }

  private async release(actor: Actor, key: string): Promise<void> {
    await this.keys.release(ownerOf(actor), key);
  }
}

/** The answer as it may be stored: each secret field present replaced by null. */
function redact(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const stored: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) if (field in stored) stored[field] = null;
  return stored;
}

/** An uploaded file takes part in the fingerprint: the same key with other bytes is a different request. */
function fileDigest(request: Request): string {
  const file = (request as Request & { file?: { buffer?: Buffer } }).file;
  return file?.buffer ? createHash('sha256').update(file.buffer).digest('hex') : '';
}

/**
 * Whose namespace an Idempotency-Key lives in: the user's, or an API key's own (a key acts with
 * its creator's user id, but its keys must not replay, or collide with, its creator's requests).
 */
function ownerOf(actor: Actor): string {
  return actor.apiKeyId ?? actor.userId;
}
