import PostalMime, { type Address as PostalAddress, type Email } from 'postal-mime';
import type { Address, AttachmentMeta } from '../mailbox/model';

/** Named parser limits: hostile mail must parse in bounded time and memory. */
export const MIME_LIMITS = {
  /** Deepest MIME nesting we follow. */
  maxNestingDepth: 64,
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
    attachments: email.attachments.map((attachment) => {
      const content = toBytes(attachment.content);
      return {
        filename: attachment.filename ?? 'attachment',
        contentType: attachment.mimeType,
        size: content.byteLength,
        ...(attachment.contentId && { contentId: attachment.contentId }),
        disposition: attachment.disposition === 'inline' ? 'inline' : 'attachment',
        content,
      };
    }),
  };
}

/**
 * Parses raw RFC 5322 bytes. Never throws: a message the parser rejects comes back with
 * `parsed: false`, the reason, and a placeholder body, so it can still be delivered.
 */
export async function parseMessage(raw: Uint8Array): Promise<ParsedMail> {
  try {
    const email = await PostalMime.parse(raw, {
      maxNestingDepth: MIME_LIMITS.maxNestingDepth,
      maxHeadersSize: MIME_LIMITS.maxHeaderBytes,
      attachmentEncoding: 'arraybuffer',
    });
    return fromEmail(email);
  } catch (error) {
    return {
      parsed: false,
      unparsedReason: error instanceof Error ? error.message : String(error),
      to: [],
      cc: [],
      replyTo: [],
      subject: '(unreadable message)',
      references: [],
      headers: [],
      text: UNPARSED_PLACEHOLDER,
      attachments: [],
    };
  }
}
