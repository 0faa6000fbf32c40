import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadLinks } from './upload-links';

/**
 * Presigned S3 PUTs. Content-Length and Content-Type are signed, so S3 refuses a body of
 * another size or type than the one declared when the upload was created.
 */
export class S3UploadLinks implements UploadLinks {
  constructor(private readonly client: S3Client) {}

  signPut(
    location: { bucket: string; key: string },
    object: { size: number; contentType: string },
    expiresInSeconds: number,
  ): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      ContentLength: object.size,
      ContentType: object.contentType,
    });
    return getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-length', 'content-type']),
    });
  }
}
