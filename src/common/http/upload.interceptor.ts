import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import multer from 'multer';
import { from, Observable, switchMap } from 'rxjs';
import { CommonErrors } from '../errors/common.errors';

const UPLOAD_KEY = 'spendin:upload';

export interface UploadOptions {
  /** The multipart field that carries the file. */
  field: string;
  maxBytes: number;
}

/**
 * Marks a route that takes one file as `multipart/form-data`. The file is read into memory
 * (it is hashed and inspected before anything is stored) and lands on `request.file`; the
 * other form fields on `request.body`, validated by the route's DTO as usual.
 */
export const ReceivesUpload = (options: UploadOptions) => SetMetadata(UPLOAD_KEY, options);

/**
 * Parses uploads for routes marked with `@ReceivesUpload`, before the idempotency interceptor
 * (which then fingerprints the file too), and answers multer's refusals as problems:
 * a file past the limit is 413 FILE_TOO_LARGE, a stray or second file 422.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  private readonly parsers = new Map<string, multer.Multer>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<UploadOptions | undefined>(UPLOAD_KEY, context.getHandler());
    if (!options) return next.handle();
    const http = context.switchToHttp();
    return from(this.parse(options, http.getRequest<Request>(), http.getResponse<Response>())).pipe(
      switchMap(() => next.handle()),
    );
  }

  private parse(options: UploadOptions, request: Request, response: Response): Promise<void> {
    const key = `${options.field}:${options.maxBytes}`;
    let parser = this.parsers.get(key);
    if (!parser) {
      parser = multer({
        storage: multer.memoryStorage(),
        limits: { fileSize: options.maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 11 },
      });
      this.parsers.set(key, parser);
    }
    return new Promise((resolve, reject) => {
      parser.single(options.field)(request, response, (error: unknown) =>
        error ? reject(toProblem(error, options)) : resolve(),
      );
    });
  }
}

function toProblem(error: unknown, options: UploadOptions): Error {
  if (!(error instanceof multer.MulterError)) {
    return CommonErrors.BAD_REQUEST(`The multipart body could not be read: ${(error as Error).message ?? 'malformed'}`);
  }
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return CommonErrors.FILE_TOO_LARGE(`The file exceeds ${options.maxBytes / (1024 * 1024)} MB`);
    case 'LIMIT_UNEXPECTED_FILE':
    case 'LIMIT_FILE_COUNT':
      return CommonErrors.VALIDATION_FAILED(`Send exactly one file, in the form field "${options.field}"`, {
        errors: [
          { field: error.field ?? options.field, message: `unexpected file; send one file as "${options.field}"` },
        ],
      });
    default:
      return CommonErrors.VALIDATION_FAILED(
        `The multipart form is too large or has too many parts (${error.message})`,
        {
          errors: [{ field: error.field ?? 'form', message: error.message }],
        },
      );
  }
}
