import type { SQSRecord } from 'aws-lambda';
import { UNPARSED_PLACEHOLDER, type ParsedMail } from '../mime/parse-message';
import type { Finding } from '../scan/verdict';
import type { SesReceiptNotification } from './ses-notification';

/**
 * The last resort of ingest. A notification that failed every delivery but the last is, on its
 * last one, indexed for each hosted recipient as an `unparsed`, quarantined record: raw kept and
 * downloadable, the reason stored, nothing of the message read again (what failed may be the
 * parser, the scanner or the message's size). Whatever the tests have not imagined then still
 * ends in a mailbox instead of the dead-letter queue, which keeps only what could not be
 * written at all (the table or a bucket unreachable even for this small record).
 */
export const LAST_RESORT_SUBJECT = '(message that could not be processed)';

/** Which delivery of its notification an SQS record is (SQS counts from 1). */
export function receiveCountOf(record: Pick<SQSRecord, 'attributes'>): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

export function lastResortReason(failedDeliveries: number): string {
  return `processing failed on ${failedDeliveries} deliveries; kept raw and quarantined unprocessed`;
}

/** The finding that quarantines a last-resort record, its reason as the detail. */
export function lastResortFinding(reason: string): Finding {
  return {
    source: 'policy',
    verdict: 'suspicious',
    check: 'unprocessed',
    detail: reason,
    quarantine: true,
  };
}

/** A placeholder for the message, from the notification alone: the envelope sender and SES's subject. */
export function unprocessedMail(notification: SesReceiptNotification, reason: string): ParsedMail {
  const common = (notification.mail as { commonHeaders?: { subject?: unknown } }).commonHeaders;
  const subject = typeof common?.subject === 'string' && common.subject ? common.subject : '';
  return {
    parsed: false,
    unparsedReason: reason,
    ...(notification.mail.source && { from: { address: notification.mail.source } }),
    to: [],
    cc: [],
    replyTo: [],
    subject: subject || LAST_RESORT_SUBJECT,
    references: [],
    headers: [],
    text: UNPARSED_PLACEHOLDER,
    attachments: [],
  };
}
