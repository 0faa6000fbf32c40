import type { BlobStore } from '../blob/blob-store';
import type { IndexOutcome, MailStore } from '../mailbox/mail-store';
import { deriveMessageId, domainOf, normaliseAddress } from '../mailbox/message-id';
import type { MessageRecord, Verdicts } from '../mailbox/model';
import { deriveThreadId } from '../mailbox/thread-id';
import { parseMessage, type ParsedMail } from '../mime/parse-message';
import type { SesReceiptNotification } from './ses-notification';

/** Bodies up to this size live on the message item; larger ones go to the attachments bucket. */
export const INLINE_BODY_BYTES = 64 * 1024;
export const SNIPPET_LENGTH = 200;

export interface IngestDeps {
  store: MailStore;
  blobs: BlobStore;
  attachmentsBucket: string;
}

export interface RecipientOutcome {
  recipient: string;
  outcome: IndexOutcome | 'not-hosted';
  messageId?: string;
}

function snippetOf(mail: ParsedMail): string {
  const source = mail.text ?? mail.html?.replace(/<[^>]*>/g, ' ') ?? '';
  return source.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
}

function verdictsOf(notification: SesReceiptNotification): Verdicts {
  const { receipt } = notification;
  return {
    ...(receipt.spamVerdict && { spam: receipt.spamVerdict.status }),
    ...(receipt.virusVerdict && { virus: receipt.virusVerdict.status }),
    ...(receipt.spfVerdict && { spf: receipt.spfVerdict.status }),
    ...(receipt.dkimVerdict && { dkim: receipt.dkimVerdict.status }),
    ...(receipt.dmarcVerdict && { dmarc: receipt.dmarcVerdict.status }),
  };
}

/** The envelope recipients (RCPT TO), de-duplicated; never the To header. */
export function envelopeRecipients(notification: SesReceiptNotification): string[] {
  return [...new Set(notification.receipt.recipients.map(normaliseAddress))];
}

/**
 * Keeps small bodies on the item and moves large ones to the attachments bucket, once per
 * SES message (every recipient's item points at the same object).
 */
async function placeBody(
  mail: ParsedMail,
  sesMessageId: string,
  deps: IngestDeps,
): Promise<Pick<MessageRecord, 'text' | 'html' | 'bodyKey'>> {
  const body = { text: mail.text, html: mail.html };
  const bytes = Buffer.byteLength(mail.text ?? '') + Buffer.byteLength(mail.html ?? '');
  if (bytes <= INLINE_BODY_BYTES) {
    return {
      ...(body.text !== undefined && { text: body.text }),
      ...(body.html && { html: body.html }),
    };
  }
  const bodyKey = `bodies/${sesMessageId}.json`;
  await deps.blobs.put(deps.attachmentsBucket, bodyKey, JSON.stringify(body), 'application/json');
  return { bodyKey };
}

/**
 * Indexes one received message for each hosted envelope recipient. Idempotent: a redelivered
 * notification finds every item already there and changes nothing.
 */
export async function ingestMessage(
  notification: SesReceiptNotification,
  deps: IngestDeps,
): Promise<RecipientOutcome[]> {
  const { mail, receipt } = notification;
  const raw = await deps.blobs.get(receipt.action.bucketName, receipt.action.objectKey);
  const parsed = await parseMessage(raw);
  const body = await placeBody(parsed, mail.messageId, deps);
  const threadId = deriveThreadId(parsed);
  const verdicts = verdictsOf(notification);

  const outcomes: RecipientOutcome[] = [];
  for (const recipient of envelopeRecipients(notification)) {
    const mailbox = await deps.store.getMailbox(recipient);
    if (!mailbox) {
      const hosted = await deps.store.findTenantIdByDomain(domainOf(recipient));
      outcomes.push({ recipient, outcome: hosted ? 'no-mailbox' : 'not-hosted' });
      continue;
    }
    const id = deriveMessageId(mail.messageId, recipient);
    const record: MessageRecord = {
      id,
      mailbox: recipient,
      tenantId: mailbox.tenantId,
      sesMessageId: mail.messageId,
      folder: 'inbox',
      receivedAt: receipt.timestamp,
      ...(parsed.from && { from: parsed.from }),
      to: parsed.to,
      cc: parsed.cc,
      replyTo: parsed.replyTo,
      subject: parsed.subject,
      snippet: snippetOf(parsed),
      size: raw.byteLength,
      unread: true,
      threadId,
      hasAttachments: parsed.attachments.some((a) => a.disposition === 'attachment'),
      ...(parsed.messageId && { messageIdHeader: parsed.messageId }),
      ...(parsed.date && { date: parsed.date }),
      headers: parsed.headers,
      ...body,
      ...(!parsed.parsed && { unparsed: { reason: parsed.unparsedReason ?? 'unknown' } }),
      attachments: parsed.attachments.map(({ content: _content, ...meta }) => meta),
      verdicts,
      raw: { bucket: receipt.action.bucketName, key: receipt.action.objectKey },
    };
    outcomes.push({
      recipient,
      outcome: await deps.store.indexMessage(record, mailbox.quotaBytes),
      messageId: id,
    });
  }
  return outcomes;
}
