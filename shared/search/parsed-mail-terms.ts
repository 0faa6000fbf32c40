import { htmlToSnippetText } from '../mime/html-text';
import type { ParsedMail } from '../mime/parse-message';
import { SEARCH_LIMITS } from './search-limits';
import { messageTerms } from './terms';

/**
 * What a received message is found by: subject, sender, recipients, attachment names and the
 * text of its body (its visible HTML text when it has no text part). Inbound mail, sent copies
 * and imported mail all index through this, so a message is found the same way however it came.
 */
export function parsedMailTerms(parsed: ParsedMail): Uint32Array {
  return messageTerms({
    subject: parsed.subject,
    ...(parsed.from && { from: parsed.from }),
    to: parsed.to,
    cc: parsed.cc,
    attachmentNames: parsed.attachments.map((attachment) => attachment.filename),
    text: parsed.text ?? htmlToSnippetText(parsed.html ?? '', SEARCH_LIMITS.maxIndexedTextChars),
  });
}
