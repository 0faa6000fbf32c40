import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../blob/blob-store';
import { domainOf } from '../address/address';
import { SYSTEM_NOTICE_PREFIX } from '../config/resource-names';
import type { Mailbox } from '../tenancy/model';
import type { IndexOutcome, MailStore } from '../mailbox/mail-store';
import { deriveMessageId } from '../mailbox/message-id';
import type { MessageRecord } from '../mailbox/model';
import { purgeStoredObjects, type StoredMessageStore } from '../mailbox/stored-objects';
import { logger } from '../log/logger';

export interface SystemNoticeDeps {
  store: Pick<MailStore, 'indexMessage'>;
  blobs: BlobStore;
  attachmentsBucket: string;
  storedMessages: StoredMessageStore;
}

export interface SystemNotice {
  /** What it is about (`quota-90`, `delivery-failure`): the `x-sesame-notice` header. */
  kind: string;
  /** The local part it comes from at the owner's domain (SYSTEM_SENDERS). */
  sender: string;
  subject: string;
  text: string;
  now: Date;
}

/**
 * Puts a plain-text message from sesame into the owner's Inbox (quota notices, non-delivery
 * reports of mail they sent). Not charged to the quota and without its condition: a full
 * mailbox must still hear the news. Its .eml is kept in the attachments bucket under a made-up
 * SES message id, like every stored message, so reconcile maps it back to its reference item.
 */
export async function deliverSystemNotice(
  deps: SystemNoticeDeps,
  mailbox: Mailbox,
  notice: SystemNotice,
): Promise<IndexOutcome> {
  const { now, subject, text } = notice;
  const sesMessageId = `sesame-${notice.kind}-${now.getTime()}-${randomUUID()}`;
  const id = deriveMessageId(sesMessageId, mailbox.address);
  const from = { name: 'sesame', address: `${notice.sender}@${domainOf(mailbox.address)}` };
  const key = `${SYSTEM_NOTICE_PREFIX}${sesMessageId}.eml`;
  const eml = [
    `From: ${from.name} <${from.address}>`,
    `To: ${mailbox.address}`,
    `Subject: ${subject}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${sesMessageId}@sesame>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
  ].join('\r\n');
  await deps.blobs.put(deps.attachmentsBucket, key, eml, 'message/rfc822');
  const record: MessageRecord = {
    id,
    mailbox: mailbox.address,
    tenantId: mailbox.tenantId,
    sesMessageId,
    folder: 'inbox',
    receivedAt: now.toISOString(),
    from,
    to: [{ address: mailbox.address }],
    cc: [],
    replyTo: [],
    subject,
    snippet: text.slice(0, 200),
    size: 0,
    unread: true,
    threadId: id,
    hasAttachments: false,
    headers: [{ key: 'x-sesame-notice', value: notice.kind }],
    text,
    attachments: [],
    verdicts: {},
    raw: { bucket: deps.attachmentsBucket, key },
  };
  const objects = { raw: record.raw, partCount: 0 };
  const outcome = await deps.store.indexMessage(record, mailbox.quotaBytes, {
    chargeQuota: false,
    objects,
  });
  // Its only recipient is dealt with; not indexed, its .eml is purged at once.
  const purge = await deps.storedMessages.completeDelivery(sesMessageId, objects, now);
  if (purge) await purgeStoredObjects(deps, purge, now);
  // Only a mailbox deleted meanwhile gets here (the id is new, the quota is not checked).
  if (outcome !== 'indexed') {
    logger.warn('system notice not delivered', {
      address: mailbox.address,
      kind: notice.kind,
      outcome,
    });
  }
  return outcome;
}
