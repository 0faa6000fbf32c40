import { domainError } from '../errors/domain-error';
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';

/**
 * The SES receipt notification of an S3 action, as SNS delivers it to SQS (raw message
 * delivery off): SQS body = SNS envelope, whose `Message` is the SES JSON. Unknown fields pass.
 */
const verdictSchema = z.object({ status: z.string() }).passthrough();

export const sesReceiptSchema = z
  .object({
    notificationType: z.literal('Received'),
    mail: z
      .object({
        timestamp: z.string(),
        source: z.string(),
        messageId: z.string().min(1),
        destination: z.array(z.string()).optional(),
      })
      .passthrough(),
    receipt: z
      .object({
        timestamp: z.string(),
        recipients: z.array(z.string()).min(1),
        spamVerdict: verdictSchema.optional(),
        virusVerdict: verdictSchema.optional(),
        spfVerdict: verdictSchema.optional(),
        dkimVerdict: verdictSchema.optional(),
        dmarcVerdict: verdictSchema.optional(),
        dmarcPolicy: z.string().optional(),
        action: z
          .object({
            type: z.literal('S3'),
            bucketName: z.string().min(1),
            objectKey: z.string().min(1),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export type SesReceiptNotification = z.infer<typeof sesReceiptSchema>;

const snsEnvelopeSchema = z
  .object({ Type: z.literal('Notification'), Message: z.string() })
  .passthrough();

/** SES says hello once when a topic is attached to a rule; it carries no mail. */
const setupNotificationSchema = z
  .object({ notificationType: z.literal('AmazonSnsSubscriptionSucceeded') })
  .passthrough();

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
