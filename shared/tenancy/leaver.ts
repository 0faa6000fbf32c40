import type { Mailbox } from './model';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a leaver's mail is still accepted (colleagues and patients learn the new address). */
export const LEAVER_GRACE_DAYS = 30;
export const LEAVER_GRACE_MS = LEAVER_GRACE_DAYS * DAY_MS;

export type DeliveryDecision =
  { action: 'deliver' } | { action: 'bounce'; status: '5.1.1'; reason: string };

/**
 * The leaver rule at ingest: an active mailbox gets its mail; a leaver's mail is still accepted
 * until `leftAt + grace`, then bounced as 5.1.1 (the user has left). Pure: the clock is an argument.
 */
export function deliveryDecision(
  mailbox: Pick<Mailbox, 'status' | 'leftAt'>,
  now: Date,
  graceMs: number = LEAVER_GRACE_MS,
): DeliveryDecision {
  if (mailbox.status === 'active') return { action: 'deliver' };
  const leftAt = mailbox.leftAt ? Date.parse(mailbox.leftAt) : Number.NaN;
  // A leaver without a valid leaving date is treated as gone: bouncing is the safe side.
  if (Number.isFinite(leftAt) && now.getTime() < leftAt + graceMs) return { action: 'deliver' };
  return { action: 'bounce', status: '5.1.1', reason: 'user has left' };
}
