import { domainError } from '../errors/domain-error';

/** How the owner hears of downloads: the first one only, every one, or not at all. */
export const NOTIFY_MODES = ['first', 'every', 'none'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** The limits a link is created within (the longest life is the tier's `maxLinkDays`). */
export const LINK_LIMITS = {
  minDownloads: 1,
  maxDownloads: 100,
  defaultDownloads: 10,
  /** One link per recipient; a request naming more is refused, not truncated. */
  maxRecipients: 50,
} as const;

/** What the public page shows of who sent the file; copied from the directory at link time. */
export interface Sender {
  name: string;
  address: string;
  organisation: string;
}

/** A signed link to one share, as the table keeps it (under the SHA-256 of its token). */
export interface ShareLink {
  id: string;
  tokenHash: string;
  shareId: string;
  tenantId: string;
  owner: string;
  /** The one person this link is for, when the owner named recipients. */
  recipient?: string;
  sender: Sender;
  createdAt: string;
  expiresAt: string;
  maxDownloads: number;
  downloads: number;
  passwordHash?: string;
  revokedAt?: string;
  notify: NotifyMode;
  /**
   * The share was `unscannable` and its tenant's policy (`shareUnscannable`) allowed sharing it
   * when this link was made; its grants then accept that state too (never `infected`).
   */
  allowUnscannable?: boolean;
}

/** What the owner sees of a link (never its token or password hash). */
export interface LinkSummary {
  id: string;
  recipient?: string;
  createdAt: string;
  expiresAt: string;
  maxDownloads: number;
  downloads: number;
  hasPassword: boolean;
  revokedAt?: string;
  notify: NotifyMode;
  state: 'active' | 'expired' | 'exhausted' | 'revoked';
}

export function linkState(link: ShareLink, now: Date): LinkSummary['state'] {
  if (link.revokedAt) return 'revoked';
  if (Date.parse(link.expiresAt) <= now.getTime()) return 'expired';
  if (link.downloads >= link.maxDownloads) return 'exhausted';
  return 'active';
}

export function summariseLink(link: ShareLink, now: Date): LinkSummary {
  return {
    id: link.id,
    ...(link.recipient && { recipient: link.recipient }),
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    maxDownloads: link.maxDownloads,
    downloads: link.downloads,
    hasPassword: Boolean(link.passwordHash),
    ...(link.revokedAt && { revokedAt: link.revokedAt }),
    notify: link.notify,
    state: linkState(link, now),
  };
}

/**
 * Unknown, expired, revoked and exhausted links, and links to a share that is no longer clean
 * or was taken down: one error, one answer (410), so that nobody learns which tokens exist.
 */
export class LinkGoneError extends domainError('LinkGone', 'This link is no longer available.') {}
/** The link has a password and none was given. */
export class PasswordRequiredError extends domainError(
  'PasswordRequired',
  'This link needs a password.',
) {}
/** The password was wrong. */
export class PasswordRefusedError extends domainError(
  'PasswordRefused',
  'The password is not right.',
) {}
/** Too many wrong passwords for this link from this address, or for this link. */
export class TooManyAttemptsError extends domainError(
  'TooManyAttempts',
  'Too many attempts; try again later.',
) {}
/** The share cannot get links: it is not scanned clean, or was taken down. */
export class ShareNotShareableError extends domainError(
  'ShareNotShareable',
  'Only a file scanned clean can be shared.',
) {}
/** The link's life is past what the tier allows. */
export class LinkTooLongError extends domainError('LinkTooLong') {}
/** No such link on this share, for this owner. */
export class NoSuchLinkError extends domainError('NoSuchLink', 'No such link.') {}
/** Too many abuse reports from this address. */
export class TooManyReportsError extends domainError(
  'TooManyReports',
  'Too many reports from this address; try again later.',
) {}
