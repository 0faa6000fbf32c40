import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { partCountFor, partSizeFor, S3_MAX_PARTS } from '@shared/share/limits';
import { shareIdOfKey } from '@shared/share/scan-uploaded-share';
import { shareScanEventOf, toS3SqsRecord } from '../../infra/local/share-scan-events';

const MiB = 1024 ** 2;
const GiB = 1024 * MiB;

/** What s3rver raises when a multipart upload completes (its own event model). */
const s3rverEvent = (bucket: string, key: string, eventName = 'ObjectCreated:Post') => ({
  Records: [
    {
      eventVersion: '2.0',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-12-02T09:00:00.000Z',
      eventName,
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'testConfigId',
        bucket: {
          name: bucket,
          ownerIdentity: { principalId: 'X' },
          arn: `arn:aws:s3: : :${bucket}`,
        },
        object: { key, size: 10, eTag: 'abc', sequencer: '1' },
      },
    },
  ],
});

describe('the local share bucket events', () => {
  it('become the S3 event S3 would send for a completed multipart upload', () => {
    const event = shareScanEventOf(
      s3rverEvent(LOCAL_RESOURCE_NAMES.shareBucket, 'shares/demo/AAAAAAAAAAAAAAAAAAAAAA'),
    );
    expect(event?.Records[0]).toMatchObject({
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      awsRegion: 'eu-west-1',
      s3: {
        bucket: { arn: `arn:aws:s3:::${LOCAL_RESOURCE_NAMES.shareBucket}` },
        object: { key: 'shares/demo/AAAAAAAAAAAAAAAAAAAAAA' },
      },
    });
    const record = toS3SqsRecord(event!, 3);
    expect(JSON.parse(record.body)).toEqual(event);
    expect(record.attributes.ApproximateReceiveCount).toBe('3');
  });

  it('leave out other buckets, other prefixes and removals, as the notification filter does', () => {
    expect(
      shareScanEventOf(s3rverEvent(LOCAL_RESOURCE_NAMES.attachmentsBucket, 'shares/x/y')),
    ).toBeUndefined();
    expect(
      shareScanEventOf(s3rverEvent(LOCAL_RESOURCE_NAMES.shareBucket, 'bench/direct.bin')),
    ).toBeUndefined();
    expect(
      shareScanEventOf(
        s3rverEvent(LOCAL_RESOURCE_NAMES.shareBucket, 'shares/x/y', 'ObjectRemoved:Delete'),
      ),
    ).toBeUndefined();
  });

  it('name the share by its key and nothing else', () => {
    expect(shareIdOfKey('shares/demo/AAAAAAAAAAAAAAAAAAAAAA')).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(shareIdOfKey('shares/demo/../x')).toBeUndefined();
    expect(shareIdOfKey('attachments/x/1')).toBeUndefined();
  });
});

describe('the part size', () => {
  it('is 8 MiB until a file would need more than 10,000 parts, then grows by whole MiB', () => {
    expect(partSizeFor(200 * MiB)).toBe(8 * MiB);
    expect(partCountFor(200 * MiB, 8 * MiB)).toBe(25);
    expect(partCountFor(1, 8 * MiB)).toBe(1);
    for (const size of [20 * GiB, 100 * GiB, 5 * 1024 * GiB]) {
      const partSize = partSizeFor(size);
      expect(partSize % MiB).toBe(0);
      expect(partCountFor(size, partSize)).toBeLessThanOrEqual(S3_MAX_PARTS);
    }
    expect(partSizeFor(100 * GiB)).toBe(11 * MiB);
  });
});
