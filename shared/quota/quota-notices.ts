import type { Mailbox } from '../tenancy/model';
import type { IndexOutcome, MailStore } from '../mailbox/mail-store';
import { deliverSystemNotice, type SystemNoticeDeps } from '../mailbox/system-notice';

/** Percentages of the quota at which the owner is told, once per crossing. */
export const QUOTA_THRESHOLDS = [80, 90, 100] as const;
export type NoticeLevel = 0 | (typeof QUOTA_THRESHOLDS)[number];

/** The store operation notices need besides the mail store's. */
export interface QuotaNoticeStore {
  /**
   * Moves the mailbox's notice marker from `from` (undefined: never set) to `to`, with the
   * usage (percent of the quota) it was moved at, only if it still is `from`; false if another
   * delivery moved it first.
   */
  setQuotaNoticeLevel(
    address: string,
    from: number | undefined,
    to: NoticeLevel,
    usedPercent: number,
  ): Promise<boolean>;
}

export interface QuotaNoticeDeps extends SystemNoticeDeps {
  store: Pick<MailStore, 'getMailbox' | 'indexMessage'>;
  notices: QuotaNoticeStore;
}

function usedPercent(usedBytes: number, quotaBytes: number): number {
  return quotaBytes > 0 ? (usedBytes / quotaBytes) * 100 : 100;
}

/** The highest threshold usage has reached; a refused delivery means the mailbox is full. */
export function noticeLevel(usedBytes: number, quotaBytes: number, refused = false): NoticeLevel {
  if (refused) return 100;
  const percent = usedPercent(usedBytes, quotaBytes);
  return [...QUOTA_THRESHOLDS].reverse().find((threshold) => percent >= threshold) ?? 0;
}

function noticeText(mailbox: Mailbox, level: NoticeLevel): { subject: string; text: string } {
  const used = `${(mailbox.usedBytes / 1e6).toFixed(1)} MB of ${(mailbox.quotaBytes / 1e6).toFixed(1)} MB`;
  if (level === 100) {
    return {
      subject: 'Your mailbox is full: new mail is being returned to its senders',
      text: `Your mailbox uses ${used}. New mail is bounced to its senders until you delete messages for good.`,
    };
  }
  return {
    subject: `Your mailbox is ${level}% full`,
    text: `Your mailbox uses ${used}. When it is full, new mail will be returned to its senders.`,
  };
}

/**
 * After a delivery to `address` (indexed, or refused as over quota), tells the owner when usage
 * crossed 80, 90 or 100 % since the last notice, with a system message in their inbox. "Once per
 * crossing": a marker on the mailbox moves up with a conditional write, and only the delivery
 * that moves it sends the notice; when usage falls below a threshold the marker moves down, so
 * the next crossing is told again. A refusal sets the marker to 100 below 100 % of usage (the
 * message did not fit), so the marker also keeps the usage it was set at, and only moves down
 * once usage is below that: a delivery that fits after a refusal has not freed anything, and
 * lowering the marker then would tell "full" twice for one crossing. Notices are not charged to the quota and skip its condition
 * (`chargeQuota: false`): a mailbox that is full, or already over a quota that was lowered, must
 * still receive the news. At most once: a crash between the marker and the message loses that
 * notice rather than sending it twice. Returns the level told, undefined when none was.
 */
export async function noticeQuotaThresholds(
  deps: QuotaNoticeDeps,
  address: string,
  outcome: IndexOutcome,
  now: Date = new Date(),
): Promise<NoticeLevel | undefined> {
  if (outcome !== 'indexed' && outcome !== 'over-quota') return undefined;
  const mailbox = await deps.store.getMailbox(address);
  if (!mailbox) return undefined;
  const level = noticeLevel(mailbox.usedBytes, mailbox.quotaBytes, outcome === 'over-quota');
  const marker = mailbox.quotaNoticeLevel ?? 0;
  if (level === marker) return undefined;
  const percent = usedPercent(mailbox.usedBytes, mailbox.quotaBytes);
  const fellBelow = percent < (mailbox.quotaNoticeUsedPercent ?? Number.POSITIVE_INFINITY);
  if (level < marker && !fellBelow) return undefined;
  const moved = await deps.notices.setQuotaNoticeLevel(
    address,
    mailbox.quotaNoticeLevel,
    level,
    percent,
  );
  if (!moved || level < marker) return undefined;
  const delivered = await deliverNotice(deps, mailbox, level as Exclude<NoticeLevel, 0>, now);
  return delivered === 'indexed' ? level : undefined;
}

function deliverNotice(
  deps: QuotaNoticeDeps,
  mailbox: Mailbox,
  level: Exclude<NoticeLevel, 0>,
  now: Date,
): Promise<IndexOutcome> {
  return deliverSystemNotice(
    deps,
    mailbox,
    { kind: `quota-${level}`, ...noticeText(mailbox, level) },
    now,
  );
}
