import { domainError } from '../errors/domain-error';
import * as z from '../validation/zod';

const GiB = 1024 ** 3;
const MB = 1000 ** 2;

/** One tier's limits. Every number is configuration (cdk.json context or SESAME_TIERS). */
export interface TierLimits {
  mailboxBytes: number;
  largeMailboxBytes: number;
  sharedMailboxBytes: number;
  maxMessageBytes: number;
  shareBytes: number;
  maxShareFileBytes: number;
  maxLinkDays: number;
  // Sending (issue 10): so that one account cannot burn the service's SES reputation.
  /** Recipients (To, Cc and Bcc together) of one message. */
  maxRecipientsPerMessage: number;
  /** Messages one user may send per minute. */
  messagesPerMinute: number;
  /** Recipients one user may send to per day (UTC). */
  recipientsPerDay: number;
  /**
   * An attachment larger than this is sent as a link to a share (shared/send/linked-attachments,
   * default ATTACHMENT_LINK_BYTES there), as is any the message would pass maxMessageBytes with.
   */
  attachmentLinkBytes?: number;
}

export const TIER_NAMES = ['commodity', 'premium'] as const;
export type TierName = (typeof TIER_NAMES)[number];
export type TierTable = Record<TierName, TierLimits>;

/** The DESIGN defaults. */
export const DEFAULT_TIERS: TierTable = {
  commodity: {
    mailboxBytes: 4 * GiB,
    largeMailboxBytes: 4 * GiB,
    sharedMailboxBytes: 10 * GiB,
    maxMessageBytes: 35 * MB,
    shareBytes: 5 * GiB,
    maxShareFileBytes: 2 * GiB,
    maxLinkDays: 7,
    maxRecipientsPerMessage: 500,
    messagesPerMinute: 30,
    recipientsPerDay: 10_000,
  },
  premium: {
    mailboxBytes: 4 * GiB,
    largeMailboxBytes: 50 * GiB,
    sharedMailboxBytes: 50 * GiB,
    maxMessageBytes: 35 * MB,
    shareBytes: 100 * GiB,
    maxShareFileBytes: 20 * GiB,
    maxLinkDays: 30,
    maxRecipientsPerMessage: 500,
    messagesPerMinute: 30,
    recipientsPerDay: 10_000,
  },
};

const positiveInt = z.number().check(z.int(), z.positive());
const tierOverrideSchema = z.partial(
  z.strictObject({
    mailboxBytes: positiveInt,
    largeMailboxBytes: positiveInt,
    sharedMailboxBytes: positiveInt,
    maxMessageBytes: positiveInt,
    shareBytes: positiveInt,
    maxShareFileBytes: positiveInt,
    maxLinkDays: positiveInt,
    maxRecipientsPerMessage: positiveInt,
    messagesPerMinute: positiveInt,
    recipientsPerDay: positiveInt,
    attachmentLinkBytes: positiveInt,
  }),
);
const tierTableOverrideSchema = z.partial(
  z.strictObject({ commodity: tierOverrideSchema, premium: tierOverrideSchema }),
);

export class TierConfigError extends domainError('InvalidTierConfig') {}

/**
 * Merges a partial tier table (from cdk.json context or a SESAME_TIERS file) over the defaults.
 * A bad table throws a TierConfigError naming the offending field.
 */
export function resolveTiers(override: unknown): TierTable {
  if (override === undefined || override === null) return DEFAULT_TIERS;
  const parsed = tierTableOverrideSchema.safeParse(override);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new TierConfigError(`invalid tier table at ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return {
    commodity: { ...DEFAULT_TIERS.commodity, ...parsed.data.commodity },
    premium: { ...DEFAULT_TIERS.premium, ...parsed.data.premium },
  };
}
