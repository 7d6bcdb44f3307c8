import type { Readable } from 'node:stream';

/**
 * Where stored reports' files live: the file store every API and worker process shares (the
 * receipts' storage, a directory or an S3 bucket; content-addressed by SHA-256). Reports sit
 * beside receipts in the layering and import nothing of them: the composition root binds this
 * to the receipts' store (`ReportsModule.withFiles`). Failures are told apart by the error's
 * `name`: `StorageUnavailableError` (cannot be reached now) and `StoredFileMissingError`.
 */
export abstract class ReportFiles {
  /** Stores the bytes (if not stored already) and answers their SHA-256. */
  abstract put(bytes: Buffer): Promise<string>;
  /** The stored bytes as a stream; the file is known to exist once this resolves. */
  abstract open(sha256: string): Promise<Readable>;
  /** Deletes the file; one that is not there is no error. */
  abstract remove(sha256: string): Promise<void>;
}

/** The store could not be reached (or written): worth trying again later. */
export const isStoreUnavailable = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'StorageUnavailableError';

/** The store answered that the file is not there. */
export const isFileMissing = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'StoredFileMissingError';
