import type { BounceReason } from '../outbound/dsn-bounce';
import { normaliseAddress } from '../address/address';
import type { SesReceiptNotification } from './ses-notification';

/**
 * Why an accepted recipient got neither the message nor a bounce. Each is recorded
 * (RefusalLedger) so that an operator can list it: `npm run refusals` locally, a Query in AWS.
 */
export const REFUSAL_REASONS = {
  /** SES accepted it (the domain is a verified identity) but no tenant holds the domain. */
  'not-hosted': 'no tenant holds the recipient domain',
  /** Neither SPF, aligned DKIM nor aligned DMARC passed: a bounce could be backscatter. */
  'bounce-suppressed-unauthenticated': 'the sender is not authenticated, so no bounce was sent',
  /** MAIL FROM is empty or a mailer daemon: a bounce would vanish or loop. */
  'bounce-suppressed-null-sender': 'the sender cannot take a bounce',
  /** Judged spam or a virus: its sender is most likely forged. */
  'bounce-suppressed-spam': 'the message is spam or infected, so no bounce was sent',
  /** The mailer refused the bounce for good (shared/outbound/send-failure). */
  'bounce-not-sent': 'the bounce was refused by the mailer',
} as const;
export type RefusalReason = keyof typeof REFUSAL_REASONS;

export interface Refusal {
  sesMessageId: string;
  recipient: string;
  /** MAIL FROM, as received (may be empty). */
  sender: string;
  reason: RefusalReason;
  /** The bounce that was due, when the refusal stands in for one. */
  cause?: BounceReason;
  /** When SES received the message (ISO 8601, UTC); part of the record's key. */
  receivedAt: string;
}

/** A refusal as stored: when it was first recorded. */
export interface RecordedRefusal extends Refusal {
  recordedAt: string;
}

/**
 * Where refusals are kept. `record` is idempotent per (SES message, recipient): a redelivered
 * notification finds the record and changes nothing (true only for the call that wrote it).
 */
export interface RefusalLedger {
  record(refusal: Refusal): Promise<boolean>;
}

/** SES's receipt time, canonical, so that every redelivery derives the same record key. */
function receiptTime(notification: SesReceiptNotification): string {
  for (const candidate of [notification.receipt.timestamp, notification.mail.timestamp]) {
    const time = new Date(candidate);
    if (!Number.isNaN(time.getTime())) return time.toISOString();
  }
  // SES always sends ISO 8601; a notification without a readable time is filed at the epoch
  // rather than at "now", which would give each redelivery a new key.
  return new Date(0).toISOString();
}

export function refusalOf(
  notification: SesReceiptNotification,
  recipient: string,
  reason: RefusalReason,
  cause?: BounceReason,
): Refusal {
  return {
    sesMessageId: notification.mail.messageId,
    recipient: normaliseAddress(recipient),
    sender: notification.mail.source,
    reason,
    ...(cause && { cause }),
    receivedAt: receiptTime(notification),
  };
}
