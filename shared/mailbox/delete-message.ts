import {
  purgeStoredObjects,
  type PendingPurge,
  type PurgeDeps,
  type StoredMessageStore,
} from './stored-objects';

/** The store operation behind deleting for good (shared/store/dynamo-quota-store). */
export interface MessageDeletionStore {
  purgeMessage(
    address: string,
    id: string,
    now: Date,
  ): Promise<{ deleted: boolean; purge?: PendingPurge }>;
}

export interface DeleteMessageDeps extends PurgeDeps {
  deletions: MessageDeletionStore;
  storedMessages: Pick<StoredMessageStore, 'finishPurge'>;
}

/**
 * Deletes one of a mailbox's messages for good: the item, its quota and counters (one
 * transaction), and, when it was the last item referring to its SES message, the message's
 * objects in S3 (raw, parts, body). False when there was no such message.
 */
export async function deleteMessageForGood(
  deps: DeleteMessageDeps,
  address: string,
  id: string,
  now: Date = new Date(),
): Promise<boolean> {
  const { deleted, purge } = await deps.deletions.purgeMessage(address, id, now);
  if (purge) await purgeStoredObjects(deps, purge, now);
  return deleted;
}
