import type { FolderId } from './model';
import {
  purgeStoredObjects,
  type PendingPurge,
  type PurgeDeps,
  type StoredMessageStore,
} from './stored-objects';

/** Only purge a message that is still recoverable and was deleted before `recoverableBefore`. */
export interface PurgeCondition {
  recoverableBefore?: string;
  /** Only while the message is in this folder (a draft's DELETE: still a draft, issue 10). */
  folder?: FolderId;
}

/**
 * The store operation behind deleting for good (shared/store/dynamo-quota-store). The one path
 * by which a message item leaves the table: whatever else is kept per message (index entries)
 * is removed here, in or beside the same transaction.
 */
export interface MessageDeletionStore {
  purgeMessage(
    address: string,
    id: string,
    now: Date,
    condition?: PurgeCondition,
  ): Promise<{ deleted: boolean; purge?: PendingPurge }>;
}

export interface DeleteMessageDeps extends PurgeDeps {
  deletions: MessageDeletionStore;
  storedMessages: Pick<StoredMessageStore, 'finishPurge'>;
}

/**
 * Deletes one of a mailbox's messages for good: the item, its quota and counters (one
 * transaction), and, when it was the last item referring to its SES message, the message's
 * objects in S3 (raw, parts, body). False when there was no such message (or it no longer meets
 * `condition`). Users never call it directly any more: their delete goes to Deleted Items, then
 * recoverable items; the retention sweep calls it once the recovery window has passed.
 */
export async function deleteMessageForGood(
  deps: DeleteMessageDeps,
  address: string,
  id: string,
  now: Date = new Date(),
  condition?: PurgeCondition,
): Promise<boolean> {
  const { deleted, purge } = await deps.deletions.purgeMessage(address, id, now, condition);
  if (purge) await purgeStoredObjects(deps, purge, now);
  return deleted;
}
