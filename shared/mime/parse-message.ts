import PostalMime, { type Address as PostalAddress, type Email } from 'postal-mime';
import type { Address, AttachmentMeta } from './mail-parts';
import { sanitiseDisplayName } from './display-name';
import { scanStructure } from './structure-scan';

/**
 * Named parser limits: hostile mail must parse in bounded time and memory. A message that breaks
 * one is not parsed but delivered `unparsed`, raw kept, with the limit as the reason.
 */
export const MIME_LIMITS = {
  /** SES accepts 40 MB at most; anything bigger did not come through SES. */
  maxMessageBytes: 40 * 1024 * 1024,
  /** Every MIME part, nested messages included. */
  maxParts: 1_000,
  /** Deepest MIME nesting we follow (multiparts and message/rfc822 together). */
  maxNestingDepth: 64,
  /** Header lines of all parts together. */
  maxHeaderLines: 20_000,
  /** All header bytes of all parts together. */
  maxHeaderBytes: 1024 * 1024,
  /** Headers kept on the message item (the raw .eml keeps them all). */
  maxStoredHeaders: 200,
  maxStoredHeaderValueLength: 2000,
} as const;

export interface ParsedMail {
  /** False when the parser gave up: the raw message is kept and a placeholder shown. */
  parsed: boolean;
  unparsedReason?: string;
  from?: Address;
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  date?: string;
  headers: { key: string; value: string }[];
  text?: string;
  html?: string;
  attachments: (AttachmentMeta & { content: Uint8Array })[];
}

export const UNPARSED_PLACEHOLDER =
  'This message could not be read. The original is kept and can be downloaded as it arrived.';

function flatten(addresses: PostalAddress[] | undefined): Address[] {
  const out: Address[] = [];
  for (const entry of addresses ?? []) {
    if (entry.group) out.push(...entry.group.map((m) => toAddress(m.name, m.address)));
    else if (entry.address) out.push(toAddress(entry.name, entry.address));
  }
  return out;
}

function toAddress(name: string, address: string): Address {
  return name ? { name, address } : { address };
}

function messageIds(value: string | undefined): string[] {
  return value?.match(/<[^<>\s]+>/g) ?? [];
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function fromEmail(email: Email): ParsedMail {
  const from = flatten(email.from ? [email.from] : undefined)[0];
  return {
    parsed: true,
    ...(from && { from }),
    to: flatten(email.to),
    cc: flatten(email.cc),
    replyTo: flatten(email.replyTo),
    subject: email.subject ?? '',
    ...(email.messageId && { messageId: email.messageId }),
    ...(email.inReplyTo && { inReplyTo: email.inReplyTo }),
    references: messageIds(email.references),
    ...(email.date && { date: email.date }),
    headers: email.headers.slice(0, MIME_LIMITS.maxStoredHeaders).map((header) => ({
      key: header.key,
      value: header.value.slice(0, MIME_LIMITS.maxStoredHeaderValueLength),
    })),
    ...(email.text !== undefined && { text: email.text }),
    ...(email.html !== undefined && { html: email.html }),
    attachments: email.attachments.map((attachment, n) => {
      const content = toBytes(attachment.content);
      return {
        filename: sanitiseDisplayName(attachment.filename ?? undefined, `attachment-${n + 1}`),
        contentType: attachment.mimeType,
        size: content.byteLength,
        ...(attachment.contentId && { contentId: attachment.contentId }),
        disposition: attachment.disposition === 'inline' ? 'inline' : 'attachment',
        content,
      };
    }),
  };
}

function unparsed(reason: string, headers?: Email): ParsedMail {
  const from = flatten(headers?.from ? [headers.from] : undefined)[0];
  return {
    parsed: false,
    unparsedReason: reason,
    ...(from && { from }),
    to: flatten(headers?.to),
    cc: flatten(headers?.cc),
    replyTo: [],
    subject: headers?.subject || '(unreadable message)',
    ...(headers?.messageId && { messageId: headers.messageId }),
    ...(headers?.inReplyTo && { inReplyTo: headers.inReplyTo }),
    references: messageIds(headers?.references),
    ...(headers?.date && { date: headers.date }),
    headers: [],
    text: UNPARSED_PLACEHOLDER,
    attachments: [],
  };
}

/** The top-level header block alone, bounded, so an unparsed message still shows who and what. */
async function topHeaders(raw: Uint8Array): Promise<Email | undefined> {
  const window = raw.subarray(0, Math.min(raw.byteLength, MIME_LIMITS.maxHeaderBytes));
  const text = Buffer.from(window).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end <= 0) return undefined;
  try {
    return await PostalMime.parse(Buffer.from(`${text.slice(0, end)}\r\n\r\n`, 'latin1'), {
      maxHeadersSize: MIME_LIMITS.maxHeaderBytes,
    });
  } catch {
    return undefined;
  }
}

/**
 * Parses raw RFC 5322 bytes. Never throws: a message that breaks a limit or that the parser
 * rejects comes back with `parsed: false`, the reason, the top-level headers if they could be
 * read, and a placeholder body, so it can still be delivered.
 */
export async function parseMessage(raw: Uint8Array): Promise<ParsedMail> {
  const structure = scanStructure(raw, MIME_LIMITS);
  if (structure.violation) return unparsed(structure.violation, await topHeaders(raw));
  try {
    const email = await PostalMime.parse(raw, {
      maxNestingDepth: MIME_LIMITS.maxNestingDepth,
      maxHeadersSize: MIME_LIMITS.maxHeaderBytes,
      attachmentEncoding: 'arraybuffer',
    });
    return fromEmail(email);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return unparsed(reason, await topHeaders(raw));
  }
}
