import type { BlobStore } from '../blob/blob-store';
import { BODY_PREFIX, PART_PREFIX } from '../config/resource-names';

/**
 * The bytes of one received (SES) message, shared by every recipient's item: the raw `.eml`,
 * one object per decoded part and, when something did not fit on the items, one body object.
 * A reference count per SES message (the `STORED#<sesMessageId>` item, shared/store) says how
 * many message items still point at them; the objects go when the last one does.
 */
export interface StoredObjects {
  /** Where the raw message is: the raw-mail bucket (SES), or the attachments bucket (notices). */
  raw: { bucket: string; key: string };
  /** How many part objects `attachments/<sesMessageId>/<n>` (n = 1..partCount) it has. */
  partCount: number;
}

/**
 * `attachments/<sesMessageId>/<n>`: chosen by code, never the sender's file name. One object per
 * SES message, shared by all its recipients' items; a redelivery writes the same bytes again.
 */
export function attachmentKey(sesMessageId: string, index: number): string {
  return `${PART_PREFIX}${sesMessageId}/${index}`;
}

/** Where the moved-out parts of a message live: one object per SES message, for every recipient. */
export function bodyKeyOf(sesMessageId: string): string {
  return `${BODY_PREFIX}${sesMessageId}.json`;
}

/** Where a body past LINKED_BODY_BYTES lives: its own object, for every recipient. */
export function linkedBodyKeyOf(sesMessageId: string, part: 'text' | 'html'): string {
  return `${BODY_PREFIX}${sesMessageId}.${part}`;
}

/** What the reference item records, so that whoever removes the last reference can purge. */
export interface PendingPurge extends StoredObjects {
  sesMessageId: string;
}

/** The reference bookkeeping a purge needs (shared/store/dynamo-stored-messages). */
export interface StoredMessageStore {
  /**
   * Records that every recipient of the SES message has been dealt with (indexed, bounced or
   * refused). When no item refers to it (nobody indexed it, or everyone deleted it already), it
   * is marked for purging in the same conditional write and returned: the caller deletes the
   * objects, then calls finishPurge. Also returned when it was marked before: a redelivery may
   * have written its parts again, and deleting twice is harmless.
   */
  completeDelivery(
    sesMessageId: string,
    objects: StoredObjects,
    now: Date,
  ): Promise<PendingPurge | undefined>;
  /** The objects are gone: the marker becomes `done` and expires with the tombstones. */
  finishPurge(sesMessageId: string, now: Date): Promise<void>;
  /** Whether the message's bytes were purged (or are being purged); undefined when live. */
  purgeStateOf(sesMessageId: string): Promise<'pending' | 'done' | undefined>;
}

export interface PurgeDeps {
  blobs: BlobStore;
  attachmentsBucket: string;
}

/** Every object key of a stored message, grouped by bucket. */
export function objectsOf(
  purge: PendingPurge,
  attachmentsBucket: string,
): { bucket: string; keys: string[] }[] {
  const parts = Array.from({ length: purge.partCount }, (_, i) =>
    attachmentKey(purge.sesMessageId, i + 1),
  );
  // The body objects exist only when something moved off the items or a body is linked;
  // deleting a missing key is a no-op, so they are always named rather than recorded.
  const attachmentKeys = [
    ...parts,
    bodyKeyOf(purge.sesMessageId),
    linkedBodyKeyOf(purge.sesMessageId, 'text'),
    linkedBodyKeyOf(purge.sesMessageId, 'html'),
  ];
  if (purge.raw.bucket === attachmentsBucket) {
    return [{ bucket: attachmentsBucket, keys: [...attachmentKeys, purge.raw.key] }];
  }
  return [
    { bucket: attachmentsBucket, keys: attachmentKeys },
    { bucket: purge.raw.bucket, keys: [purge.raw.key] },
  ];
}

/**
 * Deletes a stored message's objects, then records the purge as done. A crash in between leaves
 * the `pending` marker, which `npm run reconcile -- --repair` sweeps (shared/quota/reconcile).
 */
export async function purgeStoredObjects(
  deps: PurgeDeps & { storedMessages: Pick<StoredMessageStore, 'finishPurge'> },
  purge: PendingPurge,
  now: Date,
): Promise<void> {
  for (const { bucket, keys } of objectsOf(purge, deps.attachmentsBucket)) {
    await deps.blobs.delete(bucket, keys);
  }
  await deps.storedMessages.finishPurge(purge.sesMessageId, now);
}
