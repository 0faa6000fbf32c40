import { randomUUID } from 'node:crypto';
import { domainOf } from '../address/address';
import type { BlobStore } from '../blob/blob-store';
import { SYSTEM_NOTICE_PREFIX, SYSTEM_SENDERS } from '../config/resource-names';
import { logger } from '../log/logger';
import type { IndexOutcome, MailStore } from './mail-store';
import { deriveMessageId } from './message-id';
import type { MessageRecord } from './model';
import { purgeStoredObjects, type StoredMessageStore } from './stored-objects';

/** What delivering a system notice writes: an .eml, the message item, its reference. */
export interface SystemNoticeDeps {
  store: Pick<MailStore, 'indexMessage'>;
  blobs: BlobStore;
  attachmentsBucket: string;
  storedMessages: StoredMessageStore;
}

export interface SystemNotice {
  /** What `x-sesame-notice` says, e.g. `quota-90`, `share-download`, `delivery-failure`. */
  kind: string;
  /**
   * The local part it comes from at the recipient's domain (SYSTEM_SENDERS); postmaster unless
   * told (non-delivery reports of sent mail come from MAILER-DAEMON).
   */
  sender?: string;
  subject: string;
  text: string;
}

/**
 * Puts a plain-text notice from postmaster@<the recipient's domain> in the recipient's inbox
 * (quota notices, share downloads, non-delivery reports of mail they sent).
 * Not charged to the quota and without its condition (`chargeQuota: false`): a full mailbox
 * still gets the news. Its .eml is stored like any message's, so the raw download works and
 * reconcile maps the object back to its reference item.
 */
export async function deliverSystemNotice(
  deps: SystemNoticeDeps,
  recipient: { address: string; tenantId: string; quotaBytes?: number },
  notice: SystemNotice,
  now: Date,
): Promise<IndexOutcome> {
  const sesMessageId = `sesame-${notice.kind}-${now.getTime()}-${randomUUID()}`;
  const id = deriveMessageId(sesMessageId, recipient.address);
  const from = {
    name: 'sesame',
    address: `${notice.sender ?? SYSTEM_SENDERS.notices}@${domainOf(recipient.address)}`,
  };
  // Named after its (made-up) SES message id, like every stored message: reconcile maps each
  // object back to the reference item of that id (shared/quota/reconcile-objects).
  const key = `${SYSTEM_NOTICE_PREFIX}${sesMessageId}.eml`;
  const eml = [
    `From: ${from.name} <${from.address}>`,
    `To: ${recipient.address}`,
    `Subject: ${notice.subject}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${sesMessageId}@sesame>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    notice.text,
    '',
  ].join('\r\n');
  await deps.blobs.put(deps.attachmentsBucket, key, eml, 'message/rfc822');
  const record: MessageRecord = {
    id,
    mailbox: recipient.address,
    tenantId: recipient.tenantId,
    sesMessageId,
    folder: 'inbox',
    receivedAt: now.toISOString(),
    from,
    to: [{ address: recipient.address }],
    cc: [],
    replyTo: [],
    subject: notice.subject,
    snippet: notice.text.slice(0, 200),
    size: 0,
    unread: true,
    threadId: id,
    hasAttachments: false,
    headers: [{ key: 'x-sesame-notice', value: notice.kind }],
    text: notice.text,
    attachments: [],
    verdicts: {},
    raw: { bucket: deps.attachmentsBucket, key },
  };
  const objects = { raw: record.raw, partCount: 0 };
  const outcome = await deps.store.indexMessage(record, recipient.quotaBytes ?? 0, {
    chargeQuota: false,
    objects,
  });
  // Its only recipient is dealt with; not indexed, its .eml is purged at once.
  const purge = await deps.storedMessages.completeDelivery(sesMessageId, objects, now);
  if (purge) await purgeStoredObjects(deps, purge, now);
  // Only a mailbox deleted meanwhile gets here (the id is new, the quota is not checked).
  if (outcome !== 'indexed') {
    logger.warn('system notice not delivered', {
      address: recipient.address,
      kind: notice.kind,
      outcome,
    });
  }
  return outcome;
}
