import { Global, Injectable, Module } from '@nestjs/common';
import type { Response } from 'express';
import type { DomainError } from './domain-error';

/** Writes an error as the answer to a request, in a wire format other than problem+json. */
export type ErrorWriter = (response: Response, error: DomainError, requestId: string) => void;

/**
 * A registration point (docs/architecture.md, "Cross-module calls and events") for the few
 * routes whose clients are told by a standard how errors look, so problem+json would break
 * them: SCIM 2.0 (`/api/v1/scim/v2/…`, RFC 7644 §3.12). A module above registers a writer
 * for its path prefix from `onModuleInit`; ProblemFilter and the unknown-route fallback use it
 * for every error under that prefix, whether it arose in a guard, a pipe, a handler, the body
 * parser or the input guard. One writer per prefix: a second registration throws at start-up.
 */
@Injectable()
export class ErrorFormats {
  private readonly formats: Array<{ prefix: string; write: ErrorWriter }> = [];

  register(prefix: string, write: ErrorWriter): void {
    if (this.formats.some((f) => f.prefix === prefix))
      throw new Error(`An error format for ${prefix} is registered already`);
    this.formats.push({ prefix, write });
  }

  /**
   * The writer for the request's path (its whole URL path: Express's `path` is relative to
   * where a handler is mounted, as Nest's not-found handler is); undefined for problem+json.
   */
  writerFor(request: { originalUrl?: string; url?: string }): ErrorWriter | undefined {
    const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
    return this.formats.find((f) => path === f.prefix || path.startsWith(`${f.prefix}/`))?.write;
  }
}

@Global()
@Module({ providers: [ErrorFormats], exports: [ErrorFormats] })
export class ErrorFormatsModule {}
