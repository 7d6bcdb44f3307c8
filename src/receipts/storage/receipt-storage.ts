import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The content address of a file: `ab/cd/<sha256>`, so that no directory or listing holds millions. */
export function contentPath(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** The file is not in storage (deleted, or never written there): asking again will not help. */
export class StoredFileMissingError extends Error {
  constructor(
    readonly sha256: string,
    cause?: unknown,
  ) {
    super(`Receipt file ${sha256} is not in storage`, { cause });
    this.name = 'StoredFileMissingError';
  }
}

/**
 * Storage cannot be used right now: unreachable, refusing us (credentials, a missing bucket),
 * out of space. The message is for operators (the logs) and may name servers and paths;
 * clients are told only that storage is unavailable.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StorageUnavailableError';
  }
}

/**
 * Where receipt files live, content-addressed by SHA-256: the same bytes are stored once
 * however often they are uploaded, and a stored file never changes. Two drivers: the local
 * disk (`LocalReceiptStorage`, the default) and an S3-compatible bucket (`S3ReceiptStorage`),
 * which every API and worker process can share. Each method throws `StoredFileMissingError`
 * or `StorageUnavailableError` for the failures a caller handles; nothing else is expected.
 */
export abstract class ReceiptStorage {
  abstract readonly kind: 'local' | 's3';

  /** Stores the bytes (if not stored already) and answers their SHA-256. */
  abstract put(bytes: Buffer): Promise<string>;

  /** The stored bytes as a stream, for downloads; the file is known to exist once this resolves. */
  abstract open(sha256: string): Promise<Readable>;

  /** The stored bytes at once, for OCR (receipts are at most 10 MB). */
  abstract read(sha256: string): Promise<Buffer>;

  /**
   * Deletes the stored file; a file that is not there is no error. Files are shared by content:
   * only a caller that knows nothing else names these bytes (stored reports past their
   * retention, checked against receipts and other reports) may delete them.
   */
  abstract remove(sha256: string): Promise<void>;

  /**
   * Remote stores only, for `/health/ready`: resolves when storage answers, throws
   * StorageUnavailableError otherwise. A local directory has nothing to reach.
   */
  check?(): Promise<void>;
}
