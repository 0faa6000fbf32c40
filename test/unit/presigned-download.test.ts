import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3_CHECKSUMS } from '@shared/aws/s3-options';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';

// Built as shared/aws/s3-client.ts builds the Lambda's client (no endpoint: real S3 URLs).
const client = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  ...S3_CHECKSUMS,
});

describe('presigned download links', () => {
  it('carry the filename and type for S3 to answer with, and no checksum mode', async () => {
    const url = new URL(
      await new S3DownloadLinks(client).sign(
        { bucket: 'attachments', key: 'attachments/m1/1' },
        { contentDisposition: 'attachment; filename="a.pdf"', contentType: 'application/pdf' },
        300,
      ),
    );

    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="a.pdf"',
    );
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  });
});
