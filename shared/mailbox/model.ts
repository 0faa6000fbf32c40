import type { Address, AttachmentMeta } from '../mime/mail-parts';
import type { ScanReport, Verdict } from '../scan/verdict';

/**
 * The system folders every mailbox has, by role name. Sending fills `sent` and `drafts`;
 * organising mail (moves, deletes, archive) uses `deleted` and `archive`.
 */
export const FOLDERS = [
  'inbox',
  'drafts',
  'sent',
  'junk',
  'quarantine',
  'deleted',
  'archive',
] as const;
export type FolderId = (typeof FOLDERS)[number];

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

/**
 * The version of the HTML sanitiser policy (shared/mime/sanitise-html) stored bodies are
 * cleaned with. Bump it when that policy changes. Kept here, apart from the sanitiser, so that
 * the API can check it without bundling the sanitiser.
 */
export const HTML_POLICY_VERSION = 1;

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
  /**
   * A body too large to answer inline (LINKED_BODY_BYTES, shared/inbound/store-parts) is its own
   * object in the attachments bucket; the API answers a short-lived link to it instead.
   */
  textKey?: string;
  htmlKey?: string;
  /**
   * The sanitiser policy (HTML_POLICY_VERSION) that `html` / `htmlKey` passed at ingest. HTML
   * stored without it, or under an older policy, is not returned: the raw message still is.
   */
  htmlPolicy?: number;
  /** Set when the parser gave up on the message; the raw .eml is the message. */
  unparsed?: { reason: string };
  attachments: AttachmentMeta[];
  verdicts: Verdicts;
  /** Every finding of the scan behind `verdict` and `folder`. */
  scan?: ScanReport;
  raw: { bucket: string; key: string };
  // Sending (issue 10): what only a Sent copy, or an answered original, carries.
  /** Bcc recipients: only in the envelope when sent, kept here for the sender alone. */
  bcc?: Address[];
  /** Each recipient's delivery status, as sending and then SES's events report it. */
  delivery?: Record<string, DeliveryStatus>;
  /** SES's message ids of the copies that left through SES (SES rewrites Message-ID). */
  outboundIds?: string[];
  /** Set on the original when its owner answered or forwarded it. */
  answered?: boolean;
  forwarded?: boolean;
}

/** Where one recipient of a sent message stands. */
export interface DeliveryStatus {
  status:
    | 'delivered'
    | 'sent'
    | 'bounced'
    | 'complained'
    | 'rejected'
    | 'delayed'
    | 'failed'
    | 'suppressed';
  at: string;
  detail?: string;
}
