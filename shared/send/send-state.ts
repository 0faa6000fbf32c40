import type { DeliveryStatus } from '../mailbox/model';
import type { TierLimits } from '../config/tiers';

/** Where a Sent copy is: the sender's mailbox and the item's id. */
export interface SentCopyRef {
  mailbox: string;
  id: string;
  tenantId: string;
  /** The Message-ID sesame wrote, which SES replaced: replies naming SES's thread under it. */
  messageIdHeader?: string;
}

/** Why a send was refused by a rate limit, and when trying again can succeed. */
export interface AllowanceRefusal {
  limit: 'messages-per-minute' | 'recipients-per-day';
  retryAfterSeconds: number;
}

export type SendLimits = Pick<TierLimits, 'messagesPerMinute' | 'recipientsPerDay'>;

/** The store operations sending needs beyond the mail store's (DynamoDB in both worlds). */
export interface SendStateStore {
  /**
   * Counts one message and `recipients` recipients against the sender's minute and day windows,
   * both or neither (one transaction); the refusal says which window is full.
   */
  consumeAllowance(
    address: string,
    recipients: number,
    limits: SendLimits,
    now: Date,
  ): Promise<AllowanceRefusal | undefined>;
  /** The addresses of `addresses` that the tenant has suppressed (hard bounce, complaint). */
  suppressedAmong(tenantId: string, addresses: string[]): Promise<string[]>;
  suppress(tenantId: string, address: string, reason: string, at: Date): Promise<void>;
  /** False when the address was not suppressed. */
  liftSuppression(tenantId: string, address: string): Promise<boolean>;
  /** Remembers which Sent copy an SES message id belongs to, for SES's events. */
  recordOutbound(sesMessageId: string, copy: SentCopyRef): Promise<void>;
  findOutbound(sesMessageId: string): Promise<SentCopyRef | undefined>;
  /** Sets these recipients' statuses on the Sent copy (and adds SES ids), if it still exists. */
  setDelivery(
    copy: Pick<SentCopyRef, 'mailbox' | 'id'>,
    statuses: Record<string, DeliveryStatus>,
    outboundIds?: string[],
  ): Promise<void>;
  /** Flags a message of the mailbox `answered` or `forwarded`, if it still exists. */
  flag(mailbox: string, id: string, flag: 'answered' | 'forwarded'): Promise<void>;
}
