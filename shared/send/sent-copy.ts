import type { BlobStore } from '../blob/blob-store';
import { deriveMessageId } from '../mailbox/message-id';
import {
  HTML_POLICY_VERSION,
  type DeliveryStatus,
  type LinkedAttachmentRecord,
  type MessageRecord,
} from '../mailbox/model';
import type { StoredObjects } from '../mailbox/stored-objects';
import { deriveThreadId } from '../mailbox/thread-id';
import type { ParsedMail } from '../mime/parse-message';
import { sanitiseHtml } from '../mime/sanitise-html';
import type { Mailbox } from '../tenancy/model';
import { snippetOf } from '../inbound/ingest-message';
import { assertItemFits } from '../inbound/item-bounds';
import { placeMessageParts, storeAttachments } from '../inbound/store-parts';
import type { ParsedMailbox } from './header-safety';

export interface SentCopyDeps {
  blobs: BlobStore;
  attachmentsBucket: string;
}

/**
 * The id of a Sent copy: derived like every item's, from the send's id, but apart from the id a
 * copy delivered to the sender's own Inbox gets (a message to oneself is both).
 */
export function sentCopyId(sendId: string, sender: string): string {
  return deriveMessageId(`${sendId}#sent`, sender);
}

/**
 * The sender's copy of a message, read back from the very bytes that leave (so the Sent folder
 * shows what recipients get), its parts stored where a received message's are, under the send
 * id: hosted recipients' copies, indexed by ingest from the same raw object, share them.
 */
export async function buildSentCopy(
  deps: SentCopyDeps,
  input: {
    sendId: string;
    mailbox: Mailbox;
    raw: Uint8Array;
    /** The raw message as parsed for scanning, parsed once. */
    parsed: ParsedMail;
    objects: StoredObjects;
    bcc: ParsedMailbox[];
    delivery: Record<string, DeliveryStatus>;
    at: Date;
    linkedAttachments?: LinkedAttachmentRecord[];
    secure?: MessageRecord['secure'];
  },
): Promise<MessageRecord> {
  const { parsed } = input;
  const attachments = await storeAttachments(parsed, input.sendId, deps);
  const shown = parsed.html ? { ...parsed, html: sanitiseHtml(parsed.html) } : parsed;
  const parts = await placeMessageParts(shown, attachments, input.sendId, deps);
  const record: MessageRecord = {
    id: sentCopyId(input.sendId, input.mailbox.address),
    mailbox: input.mailbox.address,
    tenantId: input.mailbox.tenantId,
    sesMessageId: input.sendId,
    folder: 'sent',
    verdict: 'clean',
    receivedAt: input.at.toISOString(),
    snippet: snippetOf(shown),
    size: input.raw.byteLength,
    unread: false,
    threadId: deriveThreadId(parsed),
    hasAttachments: parsed.attachments.some((a) => a.disposition === 'attachment'),
    ...(parsed.messageId && { messageIdHeader: parsed.messageId }),
    ...(parsed.date && { date: parsed.date }),
    ...parts,
    ...(shown.html !== undefined && { htmlPolicy: HTML_POLICY_VERSION }),
    verdicts: {},
    raw: input.objects.raw,
    ...(input.bcc.length > 0 && { bcc: input.bcc }),
    delivery: input.delivery,
    ...(input.linkedAttachments && { linkedAttachments: input.linkedAttachments }),
    ...(input.secure && { secure: input.secure }),
  };
  assertItemFits(record);
  return record;
}
