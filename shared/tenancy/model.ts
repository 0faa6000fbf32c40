import type { TierName } from '../config/tiers';
import type { Role } from '../identity/caller';
import type { AttachmentPolicyOverrides } from '../scan/attachment-policy';

export type MailboxStatus = 'active' | 'leaver';

export interface Tenant {
  id: string;
  name: string;
  tier: TierName;
  domains: string[];
  largeMailboxSeats: number;
  /** The tenant's changes to the default attachment policy (shared/scan/attachment-policy). */
  attachmentPolicy?: AttachmentPolicyOverrides;
  /** Seats held by users; changed only together with a mailbox's add-on (shared/tenancy). */
  largeMailboxSeatsUsed?: number;
  /** Recovery window and folder retention, in days (defaults: shared/mailbox/recoverable). */
  mailRetention?: MailRetention;
  createdAt: string;
}

/** A tenant's retention configuration; a field left out takes its default. */
export interface MailRetention {
  /** How long recoverable items are kept before they are purged (at most 30). */
  recoveryDays?: number;
  /** Junk empties itself of mail older than this. */
  junkDays?: number;
  /** Deleted Items empties itself of mail deleted longer ago than this. */
  deletedDays?: number;
}

export interface Mailbox {
  address: string;
  tenantId: string;
  displayName: string;
  role: Role;
  status: MailboxStatus;
  quotaBytes: number;
  usedBytes: number;
  messageCount: number;
  createdAt: string;
  jobTitle?: string;
  /** Holds one of the tenant's large-mailbox seats (premium add-on). */
  largeMailbox?: boolean;
  /** When the user was marked a leaver; mail is accepted for a grace period after it. */
  leftAt?: string;
  /** Last API use, at most an hour stale (shared/tenancy/last-seen). */
  lastSeenAt?: string;
  /** Highest quota threshold (80, 90, 100) its owner was told about; see shared/quota. */
  quotaNoticeLevel?: number;
  /** Usage (percent of the quota) when that marker was set: it moves down only below it. */
  quotaNoticeUsedPercent?: number;
  /** Bytes of share space reserved by the user's shares (issue 9; shared/share); absent: 0. */
  shareBytesUsed?: number;
  /** Recoverable items: deleted from Deleted Items, kept outside the live quota (issue 11). */
  recoverableBytes?: number;
  recoverableCount?: number;
  /** The state of the mailbox: moved by every transaction on it (shared/store/change-log). */
  changes?: number;
}

/**
 * The one read port for tenants and mailboxes. The mail store and the tenancy store both
 * extend it, over the same items (shared/store/account-items).
 */
export interface AccountReads {
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  getMailbox(address: string): Promise<Mailbox | undefined>;
}
