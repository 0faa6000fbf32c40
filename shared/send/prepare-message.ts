import { NoSuchObjectError, type BlobStore } from '../blob/blob-store';
import { normaliseAddress } from '../address/address';
import type { MailStore } from '../mailbox/mail-store';
import { isWithheld, type MessageRecord } from '../mailbox/model';
import { NoSuchMessageError } from '../mailbox/read-message';
import type { Mailbox } from '../tenancy/model';
import type { ComposedAttachment } from './compose-mime';
import { AttachmentUnavailableError } from './errors';
import {
  assertHeaderSafe,
  customHeaders,
  parseSingleMailbox,
  type ParsedMailbox,
} from './header-safety';
import type { AttachmentRef, SendRequest } from './send-request';
import type { UploadStore } from './uploads';
import { isShareable, type Share } from '../share/model';
import { ownShare } from '../share/owner-shares';
import type { ShareStore } from '../share/share-store';

export interface PrepareDeps {
  store: Pick<MailStore, 'getMessage'>;
  uploads: UploadStore;
  blobs: BlobStore;
  attachmentsBucket: string;
  /** The large-file share (issue 9), for `{ shareId }` attachments. */
  shares?: { store: ShareStore };
}

/** A send request, checked and resolved: everything the composer and the envelope need. */
export interface PreparedMessage {
  from: ParsedMailbox;
  to: ParsedMailbox[];
  cc: ParsedMailbox[];
  bcc: ParsedMailbox[];
  /** Every envelope recipient once, lower-cased. */
  recipients: string[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  inReplyTo?: string | undefined;
  references: string[];
  importance?: SendRequest['importance'];
  headers: Record<string, string>;
  attachments: ComposedAttachment[];
  /** Shares of the caller's attached as `{ shareId }`: they go as links, never as bytes. */
  shares: Share[];
  /** The message answered or forwarded, to flag once sent. */
  original?: { id: string; flag: 'answered' | 'forwarded' };
}

const REPLY_PREFIX = /^\s*re\s*:/i;
const FORWARD_PREFIX = /^\s*(fwd?|fw)\s*:/i;

/** `Re: ` / `Fwd: ` in front of the original subject, once however often it is answered. */
export function prefixedSubject(prefix: 'Re' | 'Fwd', original: string): string {
  const already = prefix === 'Re' ? REPLY_PREFIX : FORWARD_PREFIX;
  return already.test(original) ? original : `${prefix}: ${original}`;
}

function headerOf(record: MessageRecord, name: string): string | undefined {
  return record.headers?.find((h) => h.key.toLowerCase() === name)?.value;
}

/** The original's text, each line quoted, under one line naming who wrote it and when. */
function quoted(record: MessageRecord): string {
  const who = record.from?.name
    ? `${record.from.name} <${record.from.address}>`
    : (record.from?.address ?? 'unknown');
  const lines = (record.text ?? record.snippet).split(/\r?\n/).map((line) => `> ${line}`);
  return `On ${record.date ?? record.receivedAt}, ${who} wrote:\n${lines.join('\n')}`;
}

function addresses(field: string, list: SendRequest['to']): ParsedMailbox[] {
  return list.map((entry, i) => parseSingleMailbox(`${field}.${i}`, entry));
}

/** An upload of the caller's, once its bytes are there and no larger than declared. */
async function uploadedAttachment(
  deps: PrepareDeps,
  mailbox: Mailbox,
  uploadId: string,
  i: number,
): Promise<ComposedAttachment> {
  const upload = await deps.uploads.getUpload(mailbox.address, uploadId);
  if (!upload) throw new AttachmentUnavailableError(`attachments.${i}: no such upload.`);
  let content: Uint8Array;
  try {
    content = await deps.blobs.get(deps.attachmentsBucket, upload.key);
  } catch (error) {
    if (!(error instanceof NoSuchObjectError)) throw error;
    throw new AttachmentUnavailableError(`attachments.${i}: the upload has no bytes yet.`);
  }
  if (content.byteLength !== upload.size) {
    throw new AttachmentUnavailableError(`attachments.${i}: the upload is not the declared size.`);
  }
  return { filename: upload.name, contentType: upload.contentType, content };
}

/**
 * A share of the caller's (another user's or tenant's is the same 404 NoSuchShare) that may be
 * linked to: scanned clean, not taken down. It leaves as a link per recipient.
 */
async function sharedAttachment(
  deps: PrepareDeps,
  mailbox: Mailbox,
  shareId: string,
  i: number,
): Promise<Share> {
  if (!deps.shares) {
    throw new AttachmentUnavailableError(`attachments.${i}: shares cannot be attached here.`);
  }
  const share = await ownShare(deps.shares, mailbox, shareId);
  if (!isShareable(share)) {
    throw new AttachmentUnavailableError(
      `attachments.${i}: the share is not scanned clean (or was taken down).`,
    );
  }
  return share;
}

async function resolveAttachment(
  deps: PrepareDeps,
  mailbox: Mailbox,
  ref: Exclude<AttachmentRef, { shareId: string }>,
  i: number,
): Promise<ComposedAttachment> {
  if ('uploadId' in ref) return uploadedAttachment(deps, mailbox, ref.uploadId, i);
  const source = await deps.store.getMessage(mailbox.address, ref.messageId);
  if (!source || source.recoverable) throw new NoSuchMessageError();
  // Withheld by the scan wherever it was moved since (issue 11), not only in Quarantine.
  if (isWithheld(source)) {
    throw new AttachmentUnavailableError(`attachments.${i}: the message is quarantined.`);
  }
  const meta = source.attachments.find((a) => a.index === ref.n);
  if (!meta?.key) throw new AttachmentUnavailableError(`attachments.${i}: no such attachment.`);
  assertHeaderSafe(`attachments.${i}.filename`, meta.filename);
  return {
    filename: meta.filename,
    contentType: meta.contentType,
    content: await deps.blobs.get(deps.attachmentsBucket, meta.key),
  };
}

/**
 * Checks every header value of the request (header-safety), parses every address as exactly
 * one mailbox, and resolves a reply or forward against the caller's own message: In-Reply-To
 * and References, the subject prefixed once, the original quoted when asked, and (forward) its
 * attachments. Throws before anything is stored or sent.
 */
export async function prepareMessage(
  deps: PrepareDeps,
  mailbox: Mailbox,
  request: SendRequest,
): Promise<PreparedMessage> {
  assertHeaderSafe('subject', request.subject);
  assertHeaderSafe('from.name', mailbox.displayName);
  const to = addresses('to', request.to);
  const cc = addresses('cc', request.cc);
  const bcc = addresses('bcc', request.bcc);
  const headers = customHeaders(request.headers);
  const recipients = [...new Set([...to, ...cc, ...bcc].map((a) => normaliseAddress(a.address)))];
  let subject = request.subject;
  let text = request.text;
  let inReplyTo: string | undefined;
  let references: string[] = [];
  let original: PreparedMessage['original'];
  const attachments: ComposedAttachment[] = [];
  const originalId = request.replyTo ?? request.forwardOf;
  if (originalId) {
    const source = await deps.store.getMessage(mailbox.address, originalId);
    if (!source || source.recoverable) throw new NoSuchMessageError();
    const forward = request.replyTo === undefined;
    subject = prefixedSubject(forward ? 'Fwd' : 'Re', subject || source.subject);
    assertHeaderSafe('subject', subject);
    if (!forward && source.messageIdHeader) {
      inReplyTo = source.messageIdHeader;
      const earlier = (headerOf(source, 'references') ?? '').match(/<[^<>\s]+>/g) ?? [];
      references = [...earlier, source.messageIdHeader];
    }
    if (request.quote || forward) text = `${text ?? ''}\n\n${quoted(source)}`.trimStart();
    if (forward) {
      if (isWithheld(source)) {
        throw new AttachmentUnavailableError('forwardOf: the message is quarantined.');
      }
      for (const meta of source.attachments) {
        if (meta.disposition !== 'attachment' || meta.index === undefined) continue;
        const ref = { messageId: originalId, n: meta.index };
        attachments.push(await resolveAttachment(deps, mailbox, ref, attachments.length));
      }
    }
    original = { id: originalId, flag: forward ? 'forwarded' : 'answered' };
  }
  const shares: Share[] = [];
  for (const [i, ref] of request.attachments.entries()) {
    if ('shareId' in ref) shares.push(await sharedAttachment(deps, mailbox, ref.shareId, i));
    else attachments.push(await resolveAttachment(deps, mailbox, ref, i));
  }
  for (const [i, a] of attachments.entries()) {
    assertHeaderSafe(`attachments.${i}.filename`, a.filename);
    assertHeaderSafe(`attachments.${i}.contentType`, a.contentType);
  }
  return {
    from: { address: mailbox.address, name: mailbox.displayName },
    to,
    cc,
    bcc,
    recipients,
    subject,
    text,
    html: request.html,
    inReplyTo,
    references,
    importance: request.importance,
    headers,
    attachments,
    shares,
    ...(original && { original }),
  };
}
