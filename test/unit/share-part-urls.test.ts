import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3SharedObjects } from '@shared/blob/s3-shared-objects';

const KEY = 'shares/t-1/AAAAAAAAAAAAAAAAAAAAAA';

beforeAll(() => {
  // Signing is offline: any region and key pair will do, no endpoint is called.
  vi.stubEnv('AWS_REGION', 'eu-west-2');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
  // One signing time for every URL below, so that only what is signed tells them apart.
  vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00.000Z'), toFake: ['Date'] });
});

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('a presigned part URL of the share bucket', () => {
  it('signs the exact length of its part, so S3 refuses a PUT of any other size', async () => {
    const { s3 } = await import('@shared/aws/s3-client');
    const objects = new S3SharedObjects(s3, 'shares-bucket');
    const [small, large] = await Promise.all([
      objects.partUrls(KEY, 'upload-1', [{ partNumber: 1, size: 1000 }], 3600),
      objects.partUrls(KEY, 'upload-1', [{ partNumber: 1, size: 5 * 1024 ** 3 }], 3600),
    ]);
    const params = (url: string) => new URL(url).searchParams;
    const first = params(small![0]!.url);
    expect(first.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    // The length is in the signature: the same part with another length is another URL.
    expect(first.get('X-Amz-Date')).toBe(params(large![0]!.url).get('X-Amz-Date'));
    expect(first.get('X-Amz-Signature')).not.toBe(params(large![0]!.url).get('X-Amz-Signature'));
  });
});
