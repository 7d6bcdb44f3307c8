import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  contentPath,
  ReceiptStorage,
  sha256Of,
  StoredFileMissingError,
  StorageUnavailableError,
} from './receipt-storage';

/**
 * Receipt files on the local disk: `<RECEIPTS_DIR>/ab/cd/<sha256>`. A file is written to a
 * temporary name and renamed, so a reader never sees half a file. Only processes that share
 * the directory can read it: with separate worker machines or containers, use S3.
 */
export class LocalReceiptStorage extends ReceiptStorage {
  readonly kind = 'local';

  constructor(private readonly dir: string) {
    super();
  }

  async put(bytes: Buffer): Promise<string> {
    const sha256 = sha256Of(bytes);
    const path = this.pathOf(sha256);
    try {
      if (await exists(path)) return sha256;
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, bytes, { flag: 'wx' });
        await rename(temporary, path);
      } finally {
        await rm(temporary, { force: true });
      }
    } catch (error) {
      // A full disk, a read-only or missing volume, wrong permissions.
      throw new StorageUnavailableError(`Cannot store receipt file ${path}: ${(error as Error).message}`, error);
    }
    return sha256;
  }

  async open(sha256: string): Promise<Readable> {
    // Opened before answering, so a missing file is a clean error and not a broken download.
    const handle = await open(this.pathOf(sha256), 'r').catch((error: unknown) => {
      throw this.readFailure(sha256, error);
    });
    return handle.createReadStream();
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256)).catch((error: unknown) => {
      throw this.readFailure(sha256, error);
    });
  }

  async remove(sha256: string): Promise<void> {
    try {
      await rm(this.pathOf(sha256), { force: true });
    } catch (error) {
      throw new StorageUnavailableError(
        `Cannot delete stored file ${this.pathOf(sha256)}: ${(error as Error).message}`,
        error,
      );
    }
  }

  private pathOf(sha256: string): string {
    return join(this.dir, ...contentPath(sha256).split('/'));
  }

  private readFailure(sha256: string, error: unknown): Error {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new StoredFileMissingError(sha256, error);
    return new StorageUnavailableError(
      `Cannot read receipt file ${this.pathOf(sha256)}: ${(error as Error).message}`,
      error,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
