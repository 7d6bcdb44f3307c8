import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { OnApplicationShutdown } from '@nestjs/common';
import type { S3Settings } from '../../config/app-config';
import {
  contentPath,
  ReceiptStorage,
  sha256Of,
  StoredFileMissingError,
  StorageUnavailableError,
} from './receipt-storage';

/** A health check waits this long for the bucket to answer, as it does for the database. */
const CHECK_TIMEOUT_MS = 3_000;

/**
 * Receipt files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …), under
 * `<S3_PREFIX>receipts/ab/cd/<sha256>`: every API and worker process given the same bucket
 * reads every receipt, whatever its local disk holds.
 *
 * Put-if-absent is a HEAD and then a plain PUT. Two uploads of the same bytes at once may
 * both PUT, which is harmless: the key is the content's hash, so both write the same bytes.
 * A conditional PUT (`If-None-Match: *`) would save that second write, but servers that do not
 * know it either ignore it or refuse the request (501), so it buys nothing we can rely on.
 */
export class S3ReceiptStorage extends ReceiptStorage implements OnApplicationShutdown {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    super();
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // Since 3.729 the SDK adds CRC32 checksums to every upload and, for a streamed body,
      // sends it `aws-chunked` with the checksum in a trailer. Servers that do not speak that
      // encoding (s3rver, older MinIO and Ceph, several hosted "S3-compatible" stores) either
      // refuse the headers or, worse, store the chunk framing as the object's content. Only
      // checksums an operation requires are sent; integrity comes from Content-MD5, which
      // every S3 server checks, and from the SHA-256 the key is made of.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Without timeouts a bucket that stops answering would hold an upload forever. The
      // handler's requestTimeout alone only warns on the console: it throws when told to.
      // socketTimeout also ends a download whose bucket stopped sending halfway.
      requestHandler: {
        connectionTimeout: Math.min(3_000, settings.timeoutMs),
        requestTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
        throwOnRequestTimeout: true,
      },
      maxAttempts: 3,
    });
  }

  async put(bytes: Buffer): Promise<string> {
    const sha256 = sha256Of(bytes);
    const key = this.keyOf(sha256);
    if (await this.exists(key)) return sha256;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
          ContentType: 'application/octet-stream',
        }),
      );
    } catch (error) {
      throw this.unavailable('PutObject', key, error);
    }
    return sha256;
  }

  async open(sha256: string): Promise<Readable> {
    return (await this.get(sha256)) as Readable;
  }

  async read(sha256: string): Promise<Buffer> {
    const body = await this.get(sha256);
    try {
      return Buffer.from(await body.transformToByteArray());
    } catch (error) {
      throw this.unavailable('GetObject (body)', this.keyOf(sha256), error);
    }
  }

  override async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), {
        abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.unavailable('HeadBucket', '', error);
    }
  }

  async remove(sha256: string): Promise<void> {
    const key = this.keyOf(sha256);
    try {
      // S3 answers 204 for a key that is not there: deleting twice is no error.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    } catch (error) {
      throw this.unavailable('DeleteObject', key, error);
    }
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  private async get(sha256: string) {
    const key = this.keyOf(sha256);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      if (!response.Body) throw new Error('the answer has no body');
      return response.Body;
    } catch (error) {
      // NoSuchKey only: a missing bucket is a 404 too, but that is a broken setup, not a lost file.
      // (AWS answers 403 instead of 404 for a missing key when the role may not list the bucket.)
      if ((error as Error).name === 'NoSuchKey') throw new StoredFileMissingError(sha256, error);
      throw this.unavailable('GetObject', key, error);
    }
  }

  /** HEAD of the object: 404 (NotFound, no body to tell a missing key from a missing bucket) is absent. */
  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.unavailable('HeadObject', key, error);
    }
  }

  private keyOf(sha256: string): string {
    return `${this.settings.prefix}receipts/${contentPath(sha256)}`;
  }

  private unavailable(operation: string, key: string, error: unknown): StorageUnavailableError {
    const { name, message } = error as Error;
    const status = statusOf(error);
    const code = (error as NodeJS.ErrnoException).code;
    const what = [name, status && `HTTP ${status}`, code].filter(Boolean).join(', ');
    const where = `s3://${this.settings.bucket}/${key}${this.settings.endpoint ? ` at ${this.settings.endpoint}` : ''}`;
    return new StorageUnavailableError(`S3 ${operation} ${where}: ${what}: ${message}`, error);
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
