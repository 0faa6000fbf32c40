import type { TierName } from '../config/tiers';

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
  to: Address[];
  cc: Address[];
  subject: string;
  snippet: string;
  size: number;
  unread: boolean;
  threadId: string;
  hasAttachments: boolean;
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
  /** Inline bodies; a large body lives in the attachments bucket under `bodyKey` instead. */
  text?: string;
  html?: string;
  bodyKey?: string;
  /** Set when the parser gave up on the message; the raw .eml is the message. */
  unparsed?: { reason: string };
  attachments: AttachmentMeta[];
  verdicts: Verdicts;
  raw: { bucket: string; key: string };
}
