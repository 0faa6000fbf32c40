import { createHash } from 'node:crypto';
import type { BlobStore } from '../blob/blob-store';
import { LINKED_BODY_TYPES } from '../mailbox/download-link';
import type { MessageRecord } from '../mailbox/model';
import type { AttachmentMeta } from '../mime/mail-parts';
import { attachmentKey, bodyKeyOf, linkedBodyKeyOf } from '../mailbox/stored-objects';
import type { ParsedMail } from '../mime/parse-message';

export { attachmentKey, bodyKeyOf, linkedBodyKeyOf };

/** Bodies up to this size live on the message item; larger ones go to the attachments bucket. */
export const INLINE_BODY_BYTES = 64 * 1024;
/**
 * A body larger than this (as JSON, escapes counted) is stored as its own object, and the API
 * answers a short-lived link to it instead of the text: a Lambda response is capped at 6 MB, and
 * two bodies at this size still leave the message's other fields room under it.
 */
export const LINKED_BODY_BYTES = 1024 * 1024;

export interface PartStoreDeps {
  blobs: BlobStore;
  attachmentsBucket: string;
}

/**
 * Named limits on what a message item carries. DynamoDB refuses items over 400 KB, and a refused
 * item would send an accepted message round the retries into the DLQ, so the item never holds
 * unbounded lists: at most `maxAddressesPerList` addresses per list (with `toTotal` / `ccTotal`
 * when cut), a subject of `maxSubjectLength`, and when its JSON would still pass
 * `itemBudgetBytes` the headers and attachment list move out too. What moves out is kept whole
 * in `bodies/<sesMessageId>.json`, which readMessage merges back. The budget leaves 100 KB for
 * the per-recipient fields (keys, scan findings, capped by MAX_RECORDED_FINDINGS); JSON
 * measures every string and container at least as large as DynamoDB does.
 */
export const ITEM_LIMITS = {
  maxAddressesPerList: 100,
  maxSubjectLength: 1_000,
  itemBudgetBytes: 300_000,
} as const;

/** The fields of a message item that depend on the message alone, placed once per message. */
export type PlacedParts = Pick<
  MessageRecord,
  | 'subject'
  | 'to'
  | 'cc'
  | 'replyTo'
  | 'toTotal'
  | 'ccTotal'
  | 'headers'
  | 'attachments'
  | 'text'
  | 'html'
  | 'bodyKey'
  | 'textKey'
  | 'htmlKey'
>;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * Decides what of a message stays on its items and what moves to the attachments bucket (see
 * ITEM_LIMITS): large bodies, the full address lists and subject when they were cut, and the
 * headers and attachment list when the item would pass its budget. Once per SES message: every
 * recipient's item points at the same object.
 */
export async function placeMessageParts(
  mail: ParsedMail,
  attachments: AttachmentMeta[],
  sesMessageId: string,
  deps: PartStoreDeps,
): Promise<PlacedParts> {
  const { maxAddressesPerList, maxSubjectLength, itemBudgetBytes } = ITEM_LIMITS;
  const moved: Partial<PlacedParts> = {};
  const item: PlacedParts = {
    subject: mail.subject.slice(0, maxSubjectLength),
    to: mail.to.slice(0, maxAddressesPerList),
    cc: mail.cc.slice(0, maxAddressesPerList),
    replyTo: mail.replyTo.slice(0, maxAddressesPerList),
    headers: mail.headers,
    attachments,
  };
  if (item.subject !== mail.subject) moved.subject = mail.subject;
  if (item.to.length < mail.to.length) {
    item.toTotal = mail.to.length;
    moved.to = mail.to;
  }
  if (item.cc.length < mail.cc.length) {
    item.ccTotal = mail.cc.length;
    moved.cc = mail.cc;
  }
  if (item.replyTo.length < mail.replyTo.length) moved.replyTo = mail.replyTo;

  const bodyBytes = Buffer.byteLength(mail.text ?? '') + Buffer.byteLength(mail.html ?? '');
  if (bodyBytes <= INLINE_BODY_BYTES) {
    if (mail.text !== undefined) item.text = mail.text;
    if (mail.html) item.html = mail.html;
  } else {
    const bodies = { text: mail.text, html: mail.html || undefined };
    for (const part of ['text', 'html'] as const) {
      const body = bodies[part];
      if (body === undefined) continue;
      if (jsonBytes(body) <= LINKED_BODY_BYTES) {
        moved[part] = body;
        continue;
      }
      const key = linkedBodyKeyOf(sesMessageId, part);
      await deps.blobs.put(deps.attachmentsBucket, key, body, LINKED_BODY_TYPES[part].contentType);
      item[part === 'text' ? 'textKey' : 'htmlKey'] = key;
    }
  }
  if (jsonBytes(item) > itemBudgetBytes) {
    moved.headers = item.headers;
    moved.attachments = item.attachments;
    item.headers = [];
    item.attachments = [];
  }
  if (Object.keys(moved).length === 0) return item;
  const bodyKey = bodyKeyOf(sesMessageId);
  await deps.blobs.put(deps.attachmentsBucket, bodyKey, JSON.stringify(moved), 'application/json');
  return { ...item, bodyKey };
}

/** Stores every attachment and inline part as its own object and describes it for the item. */
export async function storeAttachments(
  mail: ParsedMail,
  sesMessageId: string,
  deps: PartStoreDeps,
): Promise<AttachmentMeta[]> {
  const metas: AttachmentMeta[] = [];
  for (const [i, attachment] of mail.attachments.entries()) {
    const index = i + 1;
    const { content, ...meta } = attachment;
    const key = attachmentKey(sesMessageId, index);
    await deps.blobs.put(deps.attachmentsBucket, key, content, 'application/octet-stream');
    metas.push({
      ...meta,
      index,
      sha256: createHash('sha256').update(content).digest('hex'),
      key,
    });
  }
  return metas;
}
