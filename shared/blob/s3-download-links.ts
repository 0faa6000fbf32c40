import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadLinks } from './download-links';

/** DownloadLinks as presigned GetObject URLs; S3 sets the response headers from the query. */
export class S3DownloadLinks implements DownloadLinks {
  private readonly origins = new Map<string, Promise<string>>();

  constructor(private readonly client: S3Client) {}

  /**
   * The origin this bucket's presigned URLs point at (virtual-hosted in AWS, the emulator's
   * address locally), for a page's CSP; found by signing a throwaway URL (no request is made).
   */
  origin(bucket: string): Promise<string> {
    let origin = this.origins.get(bucket);
    if (!origin) {
      origin = getSignedUrl(this.client, new GetObjectCommand({ Bucket: bucket, Key: 'origin' }), {
        expiresIn: 1,
      }).then((url) => new URL(url).origin);
      this.origins.set(bucket, origin);
    }
    return origin;
  }

  sign(
    location: { bucket: string; key: string },
    response: { contentDisposition: string; contentType: string },
    expiresInSeconds: number,
  ): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        ResponseContentDisposition: response.contentDisposition,
        ResponseContentType: response.contentType,
      }),
      { expiresIn: expiresInSeconds },
    );
  }
}
