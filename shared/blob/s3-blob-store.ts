import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  NoSuchObjectError,
  type BlobLister,
  type BlobStore,
  type ListedObject,
} from './blob-store';

/** S3's limit on the keys of one DeleteObjects request. */
export const DELETE_BATCH_KEYS = 1000;

/** The BlobStore on S3 (the real service, or s3rver). */
export class S3BlobStore implements BlobStore, BlobLister {
  constructor(private readonly client: S3Client) {}

  async get(bucket: string, key: string): Promise<Uint8Array> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!result.Body) throw new NoSuchObjectError(`s3://${bucket}/${key} has no body`);
      return await result.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey)
        throw new NoSuchObjectError(`no object s3://${bucket}/${key}`);
      throw error;
    }
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    contentType: string,
  ): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async delete(bucket: string, keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH_KEYS) {
      const batch = keys.slice(start, start + DELETE_BATCH_KEYS);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      // DeleteObjects answers 200 and lists per-key failures (AccessDenied, throttling): a purge
      // that did not happen must fail, so that its pending marker stays and is swept later.
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `could not delete ${failed.length} objects of s3://${bucket}, e.g. ${first?.Key}: ${first?.Code}`,
        );
      }
    }
  }

  async *list(bucket: string, prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.NextContinuationToken;
    } while (token);
  }
}
