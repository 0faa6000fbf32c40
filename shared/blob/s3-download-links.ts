import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadLinks } from './download-links';

/** DownloadLinks as presigned GetObject URLs; S3 sets the response headers from the query. */
export class S3DownloadLinks implements DownloadLinks {
  constructor(private readonly client: S3Client) {}

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
