import type { TierName } from '../config/tiers';
import type { AttachmentPolicyOverrides } from '../scan/attachment-policy';
import type { ScanReport, Verdict } from '../scan/verdict';

export const FOLDERS = ['inbox', 'junk', 'quarantine'] as const;
export type FolderId = (typeof FOLDERS)[number];

export type Role = 'user' | 'tenant-admin' | 'platform-admin';
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
  createdAt: string;
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
}

export interface Address {
  name?: string;
  address: string;
}

export interface AttachmentMeta {
  filename: string;
  contentType: string;
  size: number;
  contentId?: string;
  disposition?: 'attachment' | 'inline';
  /** 1-based, the `{n}` of the attachment route. */
  index?: number;
  sha256?: string;
  /** Where the bytes are, in the attachments bucket: chosen by code, never the sender's name. */
  key?: string;
}

/** The verdicts SES (or the local listener) reported for a message. */
export interface Verdicts {
  spam?: string;
  virus?: string;
  spf?: string;
  dkim?: string;
  dmarc?: string;
}

/** What a list shows of a message. */
export interface MessageSummary {
  id: string;
  folder: FolderId;
  receivedAt: string;
  from?: Address;
  /** At most ITEM_LIMITS.maxAddressesPerList (shared/inbound/store-parts) on a list. */
  to: Address[];
  cc: Address[];
  /** How many addresses the message names, when `to` / `cc` shows only the first of them. */
  toTotal?: number;
  ccTotal?: number;
  subject: string;
  snippet: string;
  size: number;
  unread: boolean;
  threadId: string;
  hasAttachments: boolean;
  /** The scanning verdict (shared/scan/verdict); absent only on items from before scanning. */
  verdict?: Verdict;
}

/** A message as indexed for one recipient. */
export interface MessageRecord extends MessageSummary {
  mailbox: string;
  tenantId: string;
  sesMessageId: string;
  messageIdHeader?: string;
  date?: string;
  replyTo: Address[];
  headers: { key: string; value: string }[];
  /**
   * Inline bodies. A large body, and whatever else did not fit on the item (full address lists,
   * headers, attachment list: shared/inbound/store-parts), lives in the attachments bucket
   * under `bodyKey` instead; readMessage merges it back.
   */
  text?: string;
  html?: string;
  bodyKey?: string;
  /** Set when the parser gave up on the message; the raw .eml is the message. */
  unparsed?: { reason: string };
  attachments: AttachmentMeta[];
  verdicts: Verdicts;
  /** Every finding of the scan behind `verdict` and `folder`. */
  scan?: ScanReport;
  raw: { bucket: string; key: string };
}
