import { domainError } from '../errors/domain-error';
import type { SQSRecord } from 'aws-lambda';
import * as z from '../validation/zod';

/**
 * The SES receipt notification of an S3 action, as SNS delivers it to SQS (raw message
 * delivery off): SQS body = SNS envelope, whose `Message` is the SES JSON. Unknown fields pass.
 */
const verdictSchema = z.looseObject({ status: z.string() });

export const sesReceiptSchema = z.looseObject({
  notificationType: z.literal('Received'),
  mail: z.looseObject({
    timestamp: z.string(),
    source: z.string(),
    messageId: z.string().check(z.minLength(1)),
    destination: z.optional(z.array(z.string())),
  }),
  receipt: z.looseObject({
    timestamp: z.string(),
    recipients: z.array(z.string()).check(z.minLength(1)),
    spamVerdict: z.optional(verdictSchema),
    virusVerdict: z.optional(verdictSchema),
    spfVerdict: z.optional(verdictSchema),
    dkimVerdict: z.optional(verdictSchema),
    dmarcVerdict: z.optional(verdictSchema),
    dmarcPolicy: z.optional(z.string()),
    action: z.looseObject({
      type: z.literal('S3'),
      bucketName: z.string().check(z.minLength(1)),
      objectKey: z.string().check(z.minLength(1)),
    }),
  }),
});

export type SesReceiptNotification = z.infer<typeof sesReceiptSchema>;

const snsEnvelopeSchema = z.looseObject({ Type: z.literal('Notification'), Message: z.string() });

/** SES says hello once when a topic is attached to a rule; it carries no mail. */
const setupNotificationSchema = z.looseObject({
  notificationType: z.literal('AmazonSnsSubscriptionSucceeded'),
});

export class InvalidNotificationError extends domainError('InvalidNotification') {}

export type ParsedRecord =
  { kind: 'mail'; notification: SesReceiptNotification } | { kind: 'setup' };

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidNotificationError(`${what} is not JSON`);
  }
}

/** Unwraps one SQS record into the SES notification it carries. */
export function parseSesRecord(record: Pick<SQSRecord, 'body'>): ParsedRecord {
  const envelope = snsEnvelopeSchema.safeParse(parseJson(record.body, 'the SQS body'));
  if (!envelope.success) {
    throw new InvalidNotificationError('the SQS body is not an SNS notification envelope');
  }
  const message = parseJson(envelope.data.Message, 'the SNS message');
  if (setupNotificationSchema.safeParse(message).success) return { kind: 'setup' };
  const notification = sesReceiptSchema.safeParse(message);
  if (!notification.success) {
    const issue = notification.error.issues[0];
    throw new InvalidNotificationError(
      `not an SES receipt notification: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return { kind: 'mail', notification: notification.data };
}
