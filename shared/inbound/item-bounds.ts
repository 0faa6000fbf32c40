import { domainError } from '../errors/domain-error';
import type { MessageRecord } from '../mailbox/model';
import type { Address, AttachmentMeta } from '../mime/mail-parts';
import { truncateUtf8 } from '../mime/truncate-utf8';

/**
 * Byte bounds for every string a message item carries. DynamoDB counts an item in bytes (UTF-8
 * values plus attribute names) and refuses one over 400 KB; a refused item sends an accepted
 * message round the retries, so nothing the sender controls reaches an item unbounded. A cut
 * address, name or subject is kept whole beside the item (shared/inbound/store-parts, `bodyKey`);
 * a cut attachment type or content id only in the raw `.eml`.
 */
export const STRING_BYTE_LIMITS = {
  /** RFC 5321 allows 254 octets in a path; a little more costs nothing. */
  address: 320,
  /** A display name as a list shows it. */
  displayName: 256,
  subject: 1_000,
  /** RFC 6838: 127 each for type and subtype, plus parameters we do not keep. */
  contentType: 255,
  /** RFC 5322's line length. */
  contentId: 998,
  messageIdHeader: 998,
  date: 200,
  /** Why a message was not parsed: the parser's message, which may quote the input. */
  unparsedReason: 1_000,
} as const;

/** DynamoDB's own limit on one item. */
export const DYNAMODB_ITEM_BYTES = 400 * 1024;
/** What the store adds to a record (PK, SK, index keys, type): addresses and ids, well under. */
export const ITEM_KEY_OVERHEAD_BYTES = 4 * 1024;

export function boundAddress(address: Address): Address {
  const bounded = truncateUtf8(address.address, STRING_BYTE_LIMITS.address);
  if (!address.name) return { address: bounded };
  return { name: truncateUtf8(address.name, STRING_BYTE_LIMITS.displayName), address: bounded };
}

const sameAddress = (a: Address, b: Address) => a.address === b.address && a.name === b.name;

/**
 * The first addresses of a list, each bounded, at most `maxCount` of them and `maxBytes` in all;
 * `cut` when anything was left off or shortened (the whole list then moves beside the item).
 */
export function boundAddressList(
  list: Address[],
  maxCount: number,
  maxBytes: number,
): { kept: Address[]; cut: boolean } {
  const kept: Address[] = [];
  let bytes = 0;
  let cut = false;
  for (const address of list) {
    const bounded = boundAddress(address);
    const size = Buffer.byteLength(bounded.address) + Buffer.byteLength(bounded.name ?? '');
    if (kept.length >= maxCount || bytes + size > maxBytes) return { kept, cut: true };
    if (!sameAddress(bounded, address)) cut = true;
    kept.push(bounded);
    bytes += size;
  }
  return { kept, cut };
}

/** An attachment's description with its sender-chosen strings bounded (the name already is). */
export function boundAttachmentMeta(meta: AttachmentMeta): AttachmentMeta {
  return {
    ...meta,
    contentType: truncateUtf8(meta.contentType, STRING_BYTE_LIMITS.contentType),
    ...(meta.contentId !== undefined && {
      contentId: truncateUtf8(meta.contentId, STRING_BYTE_LIMITS.contentId),
    }),
  };
}

/**
 * An upper bound of the item's size as DynamoDB counts it: JSON spends at least as many bytes
 * on every string, number and container as DynamoDB does, and names every attribute too.
 */
export const itemBytes = (item: unknown): number => Buffer.byteLength(JSON.stringify(item));

export class ItemTooLargeError extends domainError('ItemTooLarge') {}

/**
 * The final check before an item is written: every field is bounded, so an item past
 * DynamoDB's limit is a bug; it fails here with its size rather than as a DynamoDB error, and
 * the notification's last delivery still indexes the message (shared/inbound/last-resort).
 */
export function assertItemFits(record: MessageRecord): void {
  const bytes = itemBytes(record) + ITEM_KEY_OVERHEAD_BYTES;
  if (bytes > DYNAMODB_ITEM_BYTES) {
    throw new ItemTooLargeError(
      `the item of message ${record.id} would be ${bytes} bytes, past ${DYNAMODB_ITEM_BYTES}`,
    );
  }
}
