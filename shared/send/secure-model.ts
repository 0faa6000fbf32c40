import { createHash } from 'node:crypto';
import { domainError } from '../errors/domain-error';
import type { AttemptRule } from '../share/attempt-limits';
import type { Sender } from '../share/link-model';

/**
 * [secure] delivery (issue 10, item 10): a message sent with `secure: true`, or with `[secure]`
 * in its subject as NHSmail users are taught, never leaves in clear for a recipient outside
 * sesame. Each outsider gets a notification with a personal link; the page behind it mails a
 * one-time code to that address, and only with the code shows the message, grants its
 * attachments (share links, scan-gated) and takes one reply into the sender's Inbox.
 */
export const SECURE_SUBJECT_TAG = /\[secure\]/i;

export const SECURE_LIMITS = {
  /** The one-time code: 8 digits, so 20 guesses an hour find it once in 5 million hours. */
  codeDigits: 8,
  codeMinutes: 15,
  /** How long the page stays open after the code, for reading, downloads and the reply. */
  sessionMinutes: 30,
  maxReplyChars: 20_000,
} as const;

/** Codes mailed per recipient: enough to retry, too few to flood their mailbox. */
export const CODE_SENDS = { limit: 5, windowSeconds: 60 * 60 } as const satisfies AttemptRule;

/** Wrong codes: per link and client address, and per link (many addresses cannot share the work). */
export const CODE_ATTEMPTS = {
  perLinkAndClient: { limit: 5, windowSeconds: 15 * 60 },
  perLink: { limit: 20, windowSeconds: 60 * 60 },
} as const satisfies Record<string, AttemptRule>;

/** An attachment of a secure message: one share, and this recipient's own link to it. */
export interface SecureAttachment {
  name: string;
  size: number;
  contentType: string;
  shareId: string;
  /** The SHA-256 of the recipient's link token: the page grants through it, never shows it. */
  linkTokenHash: string;
}

/** One outside recipient of one secure message, kept under the SHA-256 of their page token. */
export interface SecureRecipient {
  tokenHash: string;
  /** The send's secure id: the content object and the audit trail are under it. */
  secureId: string;
  tenantId: string;
  /** The sender's mailbox, where the one reply is delivered. */
  owner: string;
  sender: Sender;
  recipient: string;
  /** The sender's Sent copy, and its Message-ID (the reply's In-Reply-To). */
  sentCopyId: string;
  messageIdHeader: string;
  subject: string;
  /** The content object in the share bucket (secure/<tenantId>/<secureId>.json). */
  contentKey: string;
  attachments: SecureAttachment[];
  createdAt: string;
  expiresAt: string;
  codeHash?: string;
  codeExpiresAt?: string;
  sessionHash?: string;
  sessionExpiresAt?: string;
  openedAt?: string;
  repliedAt?: string;
  /** The sender withdrew the message: the page answers as for an unknown token. */
  revokedAt?: string;
}

/** What the page shows once the code was right (the content object). */
export interface SecureContent {
  subject: string;
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  date: string;
  text?: string;
  /** Already sanitised (shared/mime/sanitise-html), as the mailbox API serves it. */
  html?: string;
  attachments: { name: string; size: number; contentType: string }[];
}

export const SECURE_EVENT_KINDS = [
  'notified',
  'code-sent',
  'code-refused',
  'opened',
  'attachment-downloaded',
  'replied',
  'withdrawn',
] as const;

/** The audit trail: who opened what, when, from where. */
export interface SecureEvent {
  kind: (typeof SECURE_EVENT_KINDS)[number];
  recipient: string;
  at: string;
  clientAddress?: string;
  userAgent?: string;
  /** attachment-downloaded: which file. */
  attachment?: string;
}

/** The hex SHA-256 of a secret bound to its link, as the record keeps it (codes, sessions). */
export function secretHash(tokenHash: string, secret: string): string {
  return createHash('sha256').update(`${tokenHash}:${secret}`, 'utf8').digest('hex');
}

/** Unknown, expired or withdrawn: one answer (410), so that nobody learns which tokens exist. */
export class SecureMessageGoneError extends domainError(
  'SecureMessageGone',
  'This secure message is no longer available.',
) {}
/** The code is wrong, or expired, or was already used. */
export class CodeRefusedError extends domainError(
  'CodeRefused',
  'The code is not right, or it has expired. Ask for a new one.',
) {}
/** The page was opened with the code too long ago (or never): ask for a new code. */
export class SessionExpiredError extends domainError(
  'SessionExpired',
  'The page has been open too long; ask for a new code.',
) {}
/** The one reply has been sent. */
export class AlreadyRepliedError extends domainError(
  'AlreadyReplied',
  'A reply to this message has already been sent.',
) {}
/** The attachment is not (or not yet) available: being scanned, not clean, or its link used up. */
export class AttachmentNotReadyError extends domainError(
  'AttachmentNotReady',
  'The file is not available: it may still be being checked for viruses.',
) {}
