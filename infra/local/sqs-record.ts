import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';

/**
 * One message as SQS hands it to a Lambda, for the local queues (ingest, share scan, SES
 * events): `body` is what the producer put on the queue, `queue` the local queue's name.
 */
export function localSqsRecord(body: string, queue: string, receiveCount = 1): SQSRecord {
  const now = Date.now();
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(now),
      SenderId: 'AIDALOCAL',
      ApproximateFirstReceiveTimestamp: String(now),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queue}`,
    awsRegion: LOCAL_REGION,
  };
}
