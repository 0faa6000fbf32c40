import { logger } from '../log/logger';
import { domainOf } from '../address/address';
import { buildBounce, isBounceable, type BounceReason } from '../outbound/dsn-bounce';
import type { Mailer } from '../outbound/mailer';
import { classifySendFailure } from '../outbound/send-failure';
import type { SesReceiptNotification } from './ses-notification';

/**
 * Remembers which bounces were sent, so a redelivered notification never bounces twice.
 * `claim` is atomic (true for the first caller only); `release` undoes a claim whose send failed.
 */
export interface BounceLedger {
  claim(sesMessageId: string, recipient: string, reason: string): Promise<boolean>;
  release(sesMessageId: string, recipient: string): Promise<void>;
}

export interface BounceDeps {
  mailer: Mailer;
  bounces: BounceLedger;
  now?: () => Date;
}

/**
 * What happened to a bounce: sent, sent before (a redelivery), or not sent and why
 * (`not-sent`: the mailer refused it for good, see classifySendFailure).
 */
export type BounceResult =
  'sent' | 'already-sent' | 'no-sender' | 'suppressed-as-spam' | 'not-sent';

/**
 * Tells the envelope sender that `recipient` did not get the message, once. The marker is put
 * before sending. If the send fails for a reason a retry can fix (throttling, 5xx, network) the
 * marker is removed again and the error rethrown, so the notification is retried and the bounce
 * is not lost. If the mailer refused it for good (SES MessageRejected, a paused account, any
 * other 4xx) the bounce is logged as not sent with the reason, the marker is kept (a retry could
 * only fail the same way) and nothing is thrown: a bounce must never hold up delivery.
 * (A crash between marker and send loses one bounce rather than sending two: the mail itself
 * is never lost, it was not ours to keep.)
 */
export async function bounce(
  deps: BounceDeps,
  notification: SesReceiptNotification,
  original: Uint8Array,
  recipient: string,
  reason: BounceReason,
  options: { suppress?: boolean } = {},
): Promise<BounceResult> {
  const sender = notification.mail.source;
  if (!isBounceable(sender)) return 'no-sender';
  // Mail judged spam or infected mostly has a forged sender: a bounce would be backscatter.
  if (options.suppress) return 'suppressed-as-spam';
  const sesMessageId = notification.mail.messageId;
  if (!(await deps.bounces.claim(sesMessageId, recipient, reason))) return 'already-sent';
  const report = buildBounce({
    reportingDomain: domainOf(recipient),
    sender,
    recipient,
    reason,
    arrivalDate: notification.mail.timestamp,
    original,
    now: deps.now?.() ?? new Date(),
  });
  try {
    await deps.mailer.send({ from: report.from, to: [sender], raw: report.raw });
  } catch (error) {
    if (classifySendFailure(error) === 'permanent') {
      logger.warn('bounce not sent: the mailer refused it for good', {
        sesMessageId,
        recipient,
        reason,
        error: error as Error,
      });
      return 'not-sent';
    }
    await deps.bounces
      .release(sesMessageId, recipient)
      .catch((releaseError: unknown) =>
        logger.error('could not release a bounce marker', { error: releaseError as Error }),
      );
    throw error;
  }
  return 'sent';
}
