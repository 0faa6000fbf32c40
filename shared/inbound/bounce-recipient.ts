import { logger } from '../log/logger';
import { domainOf } from '../address/address';
import { buildBounce, isBounceable, type BounceReason } from '../outbound/dsn-bounce';
import type { Mailer } from '../outbound/mailer';
import { classifySendFailure } from '../outbound/send-failure';
import { refusalOf, type RefusalLedger, type RefusalReason } from './refusals';
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
  /** Where a bounce that is not sent is recorded instead (shared/inbound/refusals). */
  refusals: RefusalLedger;
  now?: () => Date;
}

/**
 * What happened to a bounce: sent, sent before (a redelivery), or not sent and why
 * (`not-sent`: the mailer refused it for good, see classifySendFailure). Every result but the
 * first two is recorded as a refusal, with the reason below.
 */
export type BounceResult =
  | 'sent'
  | 'already-sent'
  | 'no-sender'
  | 'suppressed-as-spam'
  | 'suppressed-unauthenticated'
  | 'not-sent';

export const REFUSAL_FOR: Record<Exclude<BounceResult, 'sent' | 'already-sent'>, RefusalReason> = {
  'no-sender': 'bounce-suppressed-null-sender',
  'suppressed-as-spam': 'bounce-suppressed-spam',
  'suppressed-unauthenticated': 'bounce-suppressed-unauthenticated',
  'not-sent': 'bounce-not-sent',
};

export interface BounceOptions {
  /** The message was judged spam or infected. */
  suppress?: boolean;
  /** The envelope sender passed SPF, aligned DKIM or aligned DMARC (sender-authentication). */
  authenticated: boolean;
}

/**
 * Tells the envelope sender that `recipient` did not get the message, once, if the sender can
 * take a bounce and is authenticated (a bounce to a forged MAIL FROM is backscatter); otherwise
 * the refusal is recorded instead, idempotently, and nobody is mailed. The marker is put
 * before sending. If the send fails for a reason a retry can fix (throttling, 5xx, network) the
 * marker is removed again and the error rethrown, so the notification is retried and the bounce
 * is not lost. If the mailer refused it for good (SES MessageRejected, a paused account, any
 * other 4xx) the bounce is logged as not sent with the reason, the marker is kept (a retry could
 * only fail the same way), the refusal is recorded and nothing is thrown: a bounce must never
 * hold up delivery.
 * (A crash between marker and send loses one bounce rather than sending two: the mail itself
 * is never lost, it was not ours to keep.)
 */
export async function bounce(
  deps: BounceDeps,
  notification: SesReceiptNotification,
  original: Uint8Array,
  recipient: string,
  reason: BounceReason,
  options: BounceOptions,
): Promise<BounceResult> {
  const refuse = async (result: keyof typeof REFUSAL_FOR): Promise<BounceResult> => {
    await deps.refusals.record(refusalOf(notification, recipient, REFUSAL_FOR[result], reason));
    return result;
  };
  const sender = notification.mail.source;
  if (!isBounceable(sender)) return refuse('no-sender');
  // Mail judged spam or infected mostly has a forged sender: a bounce would be backscatter.
  if (options.suppress) return refuse('suppressed-as-spam');
  if (!options.authenticated) return refuse('suppressed-unauthenticated');
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
    // Whatever is thrown from here, the retry must find no marker, so that it tries again.
    const release = () =>
      deps.bounces
        .release(sesMessageId, recipient)
        .catch((releaseError: unknown) =>
          logger.error('could not release a bounce marker', { error: releaseError as Error }),
        );
    if (classifySendFailure(error) !== 'permanent') {
      await release();
      throw error;
    }
    logger.warn('bounce not sent: the mailer refused it for good', {
      sesMessageId,
      recipient,
      reason,
      error: error as Error,
    });
    try {
      // Kept with the marker: a redelivery finds the marker, and must find this record too.
      return await refuse('not-sent');
    } catch (recordError) {
      await release();
      throw recordError;
    }
  }
  return 'sent';
}
