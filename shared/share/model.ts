import type { Finding } from '../scan/verdict';

/**
 * A shared file's life (issue 9): `uploading` (parts go straight to S3 through presigned URLs)
 * → `scanning` (completed, the S3 event is on its way to the scan function) → one verdict:
 * `clean`, `infected` or `unscannable`. Only `clean` files (and `unscannable` ones when the
 * tenant's policy says so, see isShareable) ever get a link or a presigned GET.
 */
export const SHARE_STATES = ['uploading', 'scanning', 'clean', 'infected', 'unscannable'] as const;
export type ShareState = (typeof SHARE_STATES)[number];
export type ShareVerdictState = Extract<ShareState, 'clean' | 'infected' | 'unscannable'>;

/** One shared file, the item `SHARE#<id>`/`SHARE` (shared/store/keys). */
export interface Share {
  id: string;
  /** The owner's address (their mailbox item carries the share space used). */
  owner: string;
  tenantId: string;
  /** The file name as given by the uploader, cleaned for display (no path, no control chars). */
  name: string;
  /** Declared at creation, reserved against the owner's share space, checked at completion. */
  size: number;
  contentType: string;
  state: ShareState;
  /** Where the bytes are: the share bucket, `shares/<tenantId>/<id>`. */
  bucket: string;
  key: string;
  /** The S3 multipart upload; kept after completion for the record. */
  uploadId: string;
  /** Every part but the last is exactly this many bytes. */
  partSize: number;
  partCount: number;
  createdAt: string;
  /** When the share (and every link to it) ends; the sweep deletes it then (see expiry). */
  expiresAt: string;
  /** An upload not completed by then is aborted and its reservation freed. */
  uploadDeadline: string;
  uploadedAt?: string;
  scannedAt?: string;
  /** The scan's findings (worst first); empty when clean. */
  findings?: Finding[];
  /** Lower-case hex SHA-256 of the whole file, when the client declared one. */
  sha256?: string;
  /** Lower-case hex SHA-256 the scan computed while streaming the object. */
  scannedSha256?: string;
  /** Set by a tenant admin's takedown (share-links): every link answers 410 at once. */
  takenDown?: boolean;
  takenDownAt?: string;
  takenDownBy?: string;
  /** Set when the file arrived through a request link (share-links): who asked for it. */
  requestId?: string;
}

/**
 * What goes in the audit trail (`SHARE#<id>`/`EVENT#<time>#<n>`). The share-core kinds are
 * written by this folder; the link kinds by the links code, through appendShareEvent.
 */
export const SHARE_EVENT_KINDS = [
  'created',
  'upload-completed',
  'upload-aborted',
  'scanned',
  'deleted',
  'expired',
  'link-created',
  'link-extended',
  'link-revoked',
  'link-expired',
  'download-granted',
  'password-refused',
  'reported',
  'taken-down',
] as const;
export type ShareEventKind = (typeof SHARE_EVENT_KINDS)[number];

export interface ShareEvent {
  shareId: string;
  /** ISO time; the sort key orders the trail by it. */
  at: string;
  kind: ShareEventKind;
  /** Who: an address, `system` (scan, sweep) or `public` (someone holding a link). */
  actor: string;
  linkId?: string;
  /** The downloader's or reporter's client address and user agent (grants, refusals, reports). */
  clientAddress?: string;
  userAgent?: string;
  /** Small, kind-specific facts: the verdict, bytes freed, a reason. */
  detail?: Record<string, string | number | boolean>;
}

/** The actor of events nobody signed in caused. */
export const SYSTEM_ACTOR = 'system';
export const PUBLIC_ACTOR = 'public';

/**
 * Whether a share may get links and presigned GETs: scanned clean, or unscannable where the
 * tenant allows it (default: never), never taken down, never with a checksum that did not match.
 */
export function isShareable(share: Share, allowUnscannable = false): boolean {
  if (share.takenDown) return false;
  if (share.sha256 && share.scannedSha256 && share.sha256 !== share.scannedSha256) return false;
  if (share.state === 'clean') return true;
  return share.state === 'unscannable' && allowUnscannable;
}
