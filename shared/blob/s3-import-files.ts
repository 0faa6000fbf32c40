import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ImportTooLargeError } from '../tenancy/errors';
import type { ImportFiles } from '../tenancy/csv-import';

/** Import uploads on S3: presigned PUT URLs, and a size check before anything is read. */
export class S3ImportFiles implements ImportFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  uploadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      if ((head.ContentLength ?? 0) > maxBytes) {
        throw new ImportTooLargeError(`The file is over ${maxBytes} bytes.`);
      }
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      const bytes = await object.Body?.transformToByteArray();
      // Replaced between the two calls by a larger file: still refused.
      if (bytes && bytes.byteLength > maxBytes)
        throw new ImportTooLargeError(`The file is over ${maxBytes} bytes.`);
      return bytes;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}
