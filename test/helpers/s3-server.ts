import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * s3rver's built-in account. It refuses any other access key id (403 InvalidAccessKeyId), but it
 * does not verify SigV4 signatures, so a wrong secret goes unnoticed here.
 */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

/**
 * A real S3 server for a suite: s3rver (from npm) on a loopback port of its own, over a
 * throwaway directory, spoken to over HTTP with the real AWS SDK. `client` lets a test look at
 * and change the bucket behind the application's back.
 */
export class TestS3Server {
  readonly client: S3Client;

  private constructor(
    private readonly server: S3rver,
    private readonly directory: string,
    readonly endpoint: string,
  ) {
    this.client = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  static async start(...buckets: string[]): Promise<TestS3Server> {
    const directory = mkdtempSync(join(tmpdir(), 'spendin-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
    const { port } = await server.run();
    const s3 = new TestS3Server(server, directory, `http://127.0.0.1:${port}`);
    for (const bucket of buckets) await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return s3;
  }

  /** The application's settings for a bucket here (or behind `endpoint`, a proxy in front of this server). */
  env(bucket: string, endpoint = this.endpoint): Record<string, string> {
    return {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    };
  }

  async keys(bucket: string, prefix = ''): Promise<string[]> {
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  }

  async remove(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async write(bucket: string, key: string, bytes: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
