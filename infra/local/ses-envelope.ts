import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';

import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import { localSqsRecord } from './sqs-record';

/** The local stand-ins' names for the AWS resources a notification mentions. */
const TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:sesame-inbound`;
const INGEST_QUEUE = 'sesame-ingest';

export interface ReceivedMail {
  /** SES-style message id; also the raw object's name under the inbound prefix. */
  messageId: string;
  /** MAIL FROM. */
  source: string;
  /** RCPT TO, in order. */
  recipients: string[];
  bucket: string;
  objectKey: string;
  receivedAt: Date;
  /** What the local listener could check; SES fills all five. */
  verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', string>>;
}

/** The SES receipt notification AWS would publish for an S3 action. */
export function buildSesNotification(mail: ReceivedMail): SesReceiptNotification {
  const verdict = (name: keyof NonNullable<ReceivedMail['verdicts']>) => ({
    status: mail.verdicts?.[name] ?? 'GRAY',
  });
  return {
    notificationType: 'Received',
    mail: {
      timestamp: mail.receivedAt.toISOString(),
      source: mail.source,
      messageId: mail.messageId,
      destination: mail.recipients,
      headersTruncated: false,
      headers: [],
      commonHeaders: {},
    },
    receipt: {
      timestamp: mail.receivedAt.toISOString(),
      processingTimeMillis: 0,
      recipients: mail.recipients,
      spamVerdict: verdict('spam'),
      virusVerdict: verdict('virus'),
      spfVerdict: verdict('spf'),
      dkimVerdict: verdict('dkim'),
      dmarcVerdict: verdict('dmarc'),
      action: {
        type: 'S3',
        topicArn: TOPIC_ARN,
        bucketName: mail.bucket,
        objectKeyPrefix: mail.objectKey.slice(0, mail.objectKey.lastIndexOf('/') + 1),
        objectKey: mail.objectKey,
      },
    },
  };
}

/** Wraps a notification the way SNS (raw delivery off) and then SQS hand it to the Lambda. */
export function toSqsRecord(notification: SesReceiptNotification, receiveCount = 1): SQSRecord {
  const now = Date.now();
  const snsEnvelope = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TOPIC_ARN,
    Subject: 'Amazon SES Email Receipt Notification',
    Message: JSON.stringify(notification),
    Timestamp: new Date(now).toISOString(),
    SignatureVersion: '1',
    Signature: 'local',
    SigningCertURL: 'https://localhost/not-signed.pem',
    UnsubscribeURL: 'https://localhost/unsubscribe',
  };
  return localSqsRecord(JSON.stringify(snsEnvelope), INGEST_QUEUE, receiveCount);
}
