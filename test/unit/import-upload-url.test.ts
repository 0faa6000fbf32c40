import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ImportFiles } from '@shared/blob/s3-import-files';

/** Query parameters that pin a checksum into a presigned PUT: of the empty body at signing. */
const CHECKSUM_PARAMS = ['x-amz-checksum-crc32', 'x-amz-sdk-checksum-algorithm'];

const KEY = 'imports/t-1/0b0e9c3a-9f57-4d2e-9a51-2f7c5f1d6c11.csv';

function checksumParamsOf(url: string): string[] {
  return [...new URL(url).searchParams.keys()].filter((name) =>
    CHECKSUM_PARAMS.includes(name.toLowerCase()),
  );
}

beforeAll(() => {
  // Signing is offline: any region and key pair will do, no endpoint is called.
  vi.stubEnv('AWS_REGION', 'eu-west-2');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('the presigned import upload URL', () => {
  it('carries no checksum, signed with the S3 client the tenant-admin function uses', async () => {
    // The very client functions/tenant-admin/handler.ts hands to S3ImportFiles.
    const { s3 } = await import('@shared/aws/s3-client');
    const url = await new S3ImportFiles(s3, 'attachments').uploadUrl(KEY, 900);

    expect(new URL(url).pathname).toContain(KEY);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('900');
    expect(checksumParamsOf(url)).toEqual([]);
  });

  it('would carry one with the SDK defaults (what the check above guards against)', async () => {
    const url = await new S3ImportFiles(new S3Client({}), 'attachments').uploadUrl(KEY, 900);
    expect(checksumParamsOf(url).length).toBeGreaterThan(0);
  });
});
