import { createHash } from 'node:crypto';

/** Reply and forward markers stripped from a subject before it names a thread. */
const SUBJECT_PREFIX = /^\s*((re|fw|fwd|aw|sv|vs)\s*(\[\d+\])?\s*:\s*)+/i;

export function normaliseSubject(subject: string): string {
  return subject.replace(SUBJECT_PREFIX, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** The message id a thread is named after: the root of the references, else the message's own. */
export function threadRootOf(mail: {
  references: string[];
  inReplyTo?: string;
  messageId?: string;
}): string | undefined {
  return mail.references[0] ?? mail.inReplyTo ?? mail.messageId;
}

/**
 * Message ids that stand for another: SES gives mail it sends a Message-ID of its own, so a
 * reply from outside names that one; the alias is the Message-ID sesame wrote (shared/send).
 */
export interface ThreadAliases {
  rootFor(messageId: string): Promise<string | undefined>;
}

/**
 * A thread id: the root of the `References` chain (or `In-Reply-To`, or the message's own
 * Message-ID), so replies join their original; mail with none of these threads by subject.
 */
export function deriveThreadId(
  mail: {
    references: string[];
    inReplyTo?: string;
    messageId?: string;
    subject: string;
  },
  aliasedRoot?: string,
): string {
  const root = aliasedRoot ?? threadRootOf(mail);
  if (root) return hash(`id:${root.trim().toLowerCase()}`);
  return hash(`subject:${normaliseSubject(mail.subject)}`);
}
