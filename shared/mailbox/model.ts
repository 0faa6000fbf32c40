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
export type SystemFolderId = (typeof FOLDERS)[number];
/**
 * A folder's id: a system folder's role name, or a user folder's generated id
 * (USER_FOLDER_ID_PATTERN, shared/mailbox/folders). The same id keys its item and its index.
 */
export type FolderId = SystemFolderId | (string & {});

export function isSystemFolder(id: string): id is SystemFolderId {
  return (FOLDERS as readonly string[]).includes(id);
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
  /** Flagged by the user (PATCH /mailboxes/me/messages/{id}); absent means not flagged. */
  flagged?: boolean;
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
  /**
   * Whether the scan withheld the message (shared/scan/verdict folderFor said quarantine): its
   * parts and raw copy stay out of reach wherever it is moved, until a tenant admin releases it.
   * Absent on items from before moves existed: those are withheld when in `quarantine`.
   */
  quarantined?: boolean;
  /** Who let a false positive out of quarantine, when, and why. */
  release?: { by: string; at: string; reason: string };
  /** The folder a message in Deleted Items came from: where a restore puts it back. */
  deletedFrom?: FolderId;
  /** When it went into Deleted Items (retention empties the folder by this). */
  deletedAt?: string;
  /**
   * Set while the message is a recoverable item (deleted from Deleted Items, `since` then):
   * hidden from folders and threads, outside the live quota, purged after the recovery window.
   */
  recoverable?: { since: string };
  /** Moved by every change of the item (flags, moves, deletes): each write is conditioned on it. */
  version?: number;
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
  /** Files that left as download links (too large to attach, or a share attached), per recipient. */
  linkedAttachments?: LinkedAttachmentRecord[];
  /**
   * [secure] delivery: the outside recipients who got a link to read it after a one-time code
   * instead of the message; `GET /mailboxes/me/messages/{id}/secure` shows who opened what.
   */
  secure?: { id: string; recipients: string[] };
}

/** A file a sent message carried as a link to a share, not as bytes (issue 10, item 3). */
export interface LinkedAttachmentRecord {
  name: string;
  size: number;
  contentType: string;
  shareId: string;
  /** `share`: attached as `{ shareId }`; `too-large`: more than the message could carry. */
  reason: 'share' | 'too-large';
  /** Each recipient's own link (its id: GET /shares/{shareId}/links shows it). */
  links: { recipient: string; linkId: string; expiresAt: string }[];
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

/** Whether a message's parts and raw copy are withheld: the verdict decides, not the folder. */
export function isWithheld(record: Pick<MessageRecord, 'quarantined' | 'folder'>): boolean {
  return record.quarantined ?? record.folder === 'quarantine';
}
