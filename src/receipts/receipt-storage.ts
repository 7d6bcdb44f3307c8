import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, ReadStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Receipt files on the local disk, content-addressed: `<RECEIPTS_DIR>/ab/cd/<sha256>`. The
 * same bytes are stored once however often they are uploaded, and a file is written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
@Injectable()
export class ReceiptStorage {
  constructor(private readonly config: AppConfig) {}

  /** Stores the bytes (if not stored already) and answers their SHA-256. */
  async put(bytes: Buffer): Promise<string> {
    const sha256 = sha256Of(bytes);
    const path = this.pathOf(sha256);
    if (await exists(path)) return sha256;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return sha256;
  }

  async has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  open(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256));
  }

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
    return join(this.config.receipts.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
