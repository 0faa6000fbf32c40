import { createHash } from 'node:crypto';
import type { BlobStore } from '../blob/blob-store';
import { LINKED_BODY_TYPES } from '../mailbox/download-link';
import type { MessageRecord } from '../mailbox/model';
import type { Address, AttachmentMeta } from '../mime/mail-parts';
import { attachmentKey, bodyKeyOf, linkedBodyKeyOf } from '../mailbox/stored-objects';
import type { ParsedMail } from '../mime/parse-message';
import {
  boundAddress,
  boundAddressList,
  boundAttachmentMeta,
  itemBytes,
  STRING_BYTE_LIMITS,
} from './item-bounds';
import { truncateUtf8 } from '../mime/truncate-utf8';

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
 * item would send an accepted message round the retries, so every string on it is bounded in
 * bytes (STRING_BYTE_LIMITS) and every list by count and bytes: at most `maxAddressesPerList`
 * addresses and `maxAddressListBytes` per list (with `toTotal` / `ccTotal` when cut). When its
 * JSON would still pass `itemBudgetBytes`, parts move out, largest kinds first: headers and
 * attachment list, then the address lists, then the inline bodies; what is left is a few KB
 * whatever the input. What moves out is kept whole in `bodies/<sesMessageId>.json`, which
 * readMessage merges back. The budget leaves 100 KB for the per-recipient fields (keys, snippet,
 * scan findings, bounded by MAX_RECORDED_FINDINGS and MAX_FINDING_DETAIL_BYTES).
 */
export const ITEM_LIMITS = {
  maxAddressesPerList: 100,
  maxAddressListBytes: 16 * 1024,
  /** Kept for the list view; the subject is also bounded in bytes (STRING_BYTE_LIMITS). */
  maxSubjectLength: 1_000,
  itemBudgetBytes: 300_000,
} as const;

/** The fields of a message item that depend on the message alone, placed once per message. */
export type PlacedParts = Pick<
  MessageRecord,
  | 'from'
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

/** What moves off an over-budget item, in this order, until it fits. */
const MOVABLE_IN_ORDER: (keyof PlacedParts)[][] = [
  ['headers', 'attachments'],
  ['to', 'cc', 'replyTo'],
  ['text', 'html'],
];

/**
 * Decides what of a message stays on its items and what moves to the attachments bucket (see
 * ITEM_LIMITS): large bodies, the full sender, address lists and subject when they were cut,
 * and whole kinds of parts while the item would pass its budget. Once per SES message: every
 * recipient's item points at the same object.
 */
export async function placeMessageParts(
  mail: ParsedMail,
  attachments: AttachmentMeta[],
  sesMessageId: string,
  deps: PartStoreDeps,
): Promise<PlacedParts> {
  const { maxAddressesPerList, maxAddressListBytes, maxSubjectLength, itemBudgetBytes } =
    ITEM_LIMITS;
  const moved: Partial<PlacedParts> = {};
  const list = (addresses: Address[]) =>
    boundAddressList(addresses, maxAddressesPerList, maxAddressListBytes);
  const to = list(mail.to);
  const cc = list(mail.cc);
  const replyTo = list(mail.replyTo);
  const item: PlacedParts = {
    subject: truncateUtf8(mail.subject.slice(0, maxSubjectLength), STRING_BYTE_LIMITS.subject),
    to: to.kept,
    cc: cc.kept,
    replyTo: replyTo.kept,
    headers: mail.headers,
    attachments,
  };
  if (mail.from) {
    item.from = boundAddress(mail.from);
    if (item.from.address !== mail.from.address || item.from.name !== mail.from.name) {
      moved.from = mail.from;
    }
  }
  if (item.subject !== mail.subject) moved.subject = mail.subject;
  if (to.cut) {
    item.toTotal = mail.to.length;
    moved.to = mail.to;
  }
  if (cc.cut) {
    item.ccTotal = mail.cc.length;
    moved.cc = mail.cc;
  }
  if (replyTo.cut) moved.replyTo = mail.replyTo;

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
  for (const fields of MOVABLE_IN_ORDER) {
    if (itemBytes(item) <= itemBudgetBytes) break;
    moveOff(item, moved, fields, mail);
  }
  if (Object.keys(moved).length === 0) return item;
  const bodyKey = bodyKeyOf(sesMessageId);
  await deps.blobs.put(deps.attachmentsBucket, bodyKey, JSON.stringify(moved), 'application/json');
  return { ...item, bodyKey };
}

/** Moves whole fields off the item, the full value (not the bounded one) kept beside it. */
function moveOff(
  item: PlacedParts,
  moved: Partial<PlacedParts>,
  fields: (keyof PlacedParts)[],
  mail: ParsedMail,
): void {
  const full: Partial<PlacedParts> = {
    to: mail.to,
    cc: mail.cc,
    replyTo: mail.replyTo,
    headers: item.headers,
    attachments: item.attachments,
    ...(mail.text !== undefined && { text: mail.text }),
    ...(mail.html !== undefined && { html: mail.html }),
  };
  for (const field of fields) {
    if (item[field] === undefined) continue;
    Object.assign(moved, { [field]: moved[field] ?? full[field] });
    if (Array.isArray(item[field])) Object.assign(item, { [field]: [] });
    else Reflect.deleteProperty(item, field);
  }
  if (fields.includes('to') && mail.to.length > 0) item.toTotal = mail.to.length;
  if (fields.includes('cc') && mail.cc.length > 0) item.ccTotal = mail.cc.length;
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
    const { content, ...described } = attachment;
    const meta = boundAttachmentMeta(described);
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
