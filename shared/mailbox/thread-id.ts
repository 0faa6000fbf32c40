import { createHash } from 'node:crypto';

/** Reply and forward markers stripped from a subject before it names a thread. */
const SUBJECT_PREFIX = /^\s*((re|fw|fwd|aw|sv|vs)\s*(\[\d+\])?\s*:\s*)+/i;

export function normaliseSubject(subject: string): string {
  return subject.replace(SUBJECT_PREFIX, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/**
 * A thread id: the root of the `References` chain (or `In-Reply-To`, or the message's own
 * Message-ID), so replies join their original; mail with none of these threads by subject.
 */
export function deriveThreadId(mail: {
  references: string[];
  inReplyTo?: string;
  messageId?: string;
  subject: string;
}): string {
  const root = mail.references[0] ?? mail.inReplyTo ?? mail.messageId;
  if (root) return hash(`id:${root.trim().toLowerCase()}`);
  return hash(`subject:${normaliseSubject(mail.subject)}`);
}
