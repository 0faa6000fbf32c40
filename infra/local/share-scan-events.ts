import type { S3Event, S3EventRecord, SQSRecord } from 'aws-lambda';
import { LOCAL_RESOURCE_NAMES, SHARE_PREFIX } from '@shared/config/resource-names';
import { LOCAL_REGION } from './local-aws';
import { localSqsRecord } from './sqs-record';

const SHARE_SCAN_QUEUE = 'sesame-share-scan';

/**
 * s3rver names the event of a completed multipart upload `ObjectCreated:Post` (its name for a
 * browser form POST); S3 says `ObjectCreated:CompleteMultipartUpload`. Nothing else differs in
 * what the scan reads, but the local runtime hands on what S3 would send.
 */
const S3_EVENT_NAMES: Readonly<Record<string, string>> = {
  'ObjectCreated:Post': 'ObjectCreated:CompleteMultipartUpload',
};

/** S3 URL-encodes keys in event notifications, a space as `+`. */
const eventKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/**
 * The S3 event notification the share bucket's rule would send for an event s3rver raised
 * (object created under `shares/` of the share bucket, as CDK's notification filter says), or
 * undefined for any other bucket, prefix or event.
 */
export function shareScanEventOf(event: {
  Records?: Record<string, unknown>[];
}): S3Event | undefined {
  const records: S3EventRecord[] = [];
  for (const raw of event.Records ?? []) {
    const record = raw as unknown as S3EventRecord;
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    if (bucket !== LOCAL_RESOURCE_NAMES.shareBucket || !key?.startsWith(SHARE_PREFIX)) continue;
    if (!record.eventName?.startsWith('ObjectCreated:')) continue;
    records.push({
      ...record,
      eventVersion: '2.1',
      awsRegion: LOCAL_REGION,
      eventName: (S3_EVENT_NAMES[record.eventName] ??
        record.eventName) as S3EventRecord['eventName'],
      s3: {
        ...record.s3,
        bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { ...record.s3.object, key: eventKey(key) },
      },
    });
  }
  return records.length > 0 ? { Records: records } : undefined;
}

/** An S3 event as SQS delivers it to a Lambda (S3 → SQS: the event JSON is the body). */
export function toS3SqsRecord(event: S3Event, receiveCount = 1): SQSRecord {
  return localSqsRecord(JSON.stringify(event), SHARE_SCAN_QUEUE, receiveCount);
}
