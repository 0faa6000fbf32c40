import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NoSuchObjectError, type BlobStore } from './blob-store';

/** The BlobStore on S3 (the real service, or s3rver). */
export class S3BlobStore implements BlobStore {
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
}
