import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { ParsedMailbox } from './header-safety';

/** An attachment whose bytes are already in hand (an upload, or a part of a stored message). */
export interface ComposedAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface ComposeInput {
  from: ParsedMailbox;
  to: ParsedMailbox[];
  cc: ParsedMailbox[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  /** The Message-ID, with its angle brackets. */
  messageId: string;
  date: Date;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  importance?: 'low' | 'normal' | 'high' | undefined;
  /** Allow-listed, checked headers only (header-safety's customHeaders). */
  headers: Record<string, string>;
  attachments: ComposedAttachment[];
}

/**
 * The RFC 5322 message, built by nodemailer's MailComposer: it encodes non-ASCII words, folds
 * long lines and writes the MIME tree, so none of it is hand-written here. Bcc is never given
 * to it: Bcc exists only in the envelope (and on the Sent copy). File and URL access are off,
 * so no input can make the composer read a local file or fetch a URL.
 */
export async function composeMime(input: ComposeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    ...(input.cc.length > 0 && { cc: input.cc }),
    subject: input.subject,
    ...(input.text !== undefined && { text: input.text }),
    ...(input.html !== undefined && { html: input.html }),
    messageId: input.messageId,
    date: input.date,
    ...(input.inReplyTo && { inReplyTo: input.inReplyTo }),
    ...(input.references && input.references.length > 0 && { references: input.references }),
    ...(input.importance && input.importance !== 'normal' && { priority: input.importance }),
    headers: input.headers,
    attachments: input.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}
