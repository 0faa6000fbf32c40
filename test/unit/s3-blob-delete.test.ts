import type { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DELETE_BATCH_KEYS, S3BlobStore } from '@shared/blob/s3-blob-store';

/** An S3 client that records each DeleteObjects request and answers with `errors` for each. */
function recordingClient(errors: { Key: string; Code: string }[] = []) {
  const requests: string[][] = [];
  const client = {
    send: async (command: DeleteObjectsCommand) => {
      requests.push((command.input.Delete?.Objects ?? []).map((o) => o.Key ?? ''));
      return { Errors: errors };
    },
  } as unknown as S3Client;
  return { client, requests };
}

describe('deleting objects from S3', () => {
  it('sends at most 1,000 keys per request, as S3 requires', async () => {
    const { client, requests } = recordingClient();
    const keys = Array.from({ length: DELETE_BATCH_KEYS + 5 }, (_, i) => `attachments/m/${i + 1}`);

    await new S3BlobStore(client).delete('bucket', keys);

    expect(requests.map((r) => r.length)).toEqual([DELETE_BATCH_KEYS, 5]);
    expect(requests.flat()).toEqual(keys);
  });

  it('fails when S3 answers 200 but refused some keys, so the purge stays pending', async () => {
    const { client } = recordingClient([{ Key: 'inbound/m', Code: 'AccessDenied' }]);

    await expect(new S3BlobStore(client).delete('bucket', ['inbound/m'])).rejects.toThrow(
      'could not delete 1 objects of s3://bucket, e.g. inbound/m: AccessDenied',
    );
  });
});
