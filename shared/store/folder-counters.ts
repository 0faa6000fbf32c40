import { isSystemFolder, type FolderId } from '../mailbox/model';
import { keys } from './keys';
import type { TransactItems } from './transact-write';

/**
 * Tries of one mailbox transaction when another moved the mailbox's state first (every
 * transaction on a mailbox is conditioned on its state: shared/store/change-log). Each try reads
 * afresh; a jittered pause spreads a burst of concurrent writers.
 */
export const STATE_ATTEMPTS = 40;
const BASE_PAUSE_MS = 5;
const MAX_PAUSE_MS = 200;

export function jitter(attempt: number): Promise<void> {
  const ceiling = Math.min(MAX_PAUSE_MS, BASE_PAUSE_MS * 2 ** Math.min(attempt, 10));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * Moves a folder's `total` and `unread` counters. A system folder's item is made on first use
 * (mailboxes created before Drafts, Sent, Deleted Items and Archive existed lack theirs); a user
 * folder must exist and not be being deleted to receive messages, so a move into a folder deleted
 * meanwhile fails its condition instead of counting into nothing.
 */
export function folderCounterItem(
  tableName: string,
  address: string,
  folder: FolderId,
  total: number,
  unread: number,
): TransactItems[number] {
  const system = isSystemFolder(folder);
  const receives = total > 0 || unread > 0;
  return {
    Update: {
      TableName: tableName,
      Key: keys.folder(address, folder),
      UpdateExpression:
        'ADD #total :total, unread :unread' +
        (system
          ? ' SET #type = if_not_exists(#type, :type), folder = if_not_exists(folder, :id)'
          : ''),
      ...(!system &&
        receives && {
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(deleting)',
        }),
      ExpressionAttributeNames: { '#total': 'total', ...(system && { '#type': 'type' }) },
      ExpressionAttributeValues: {
        ':total': total,
        ':unread': unread,
        ...(system && { ':type': 'folder', ':id': folder }),
      },
    },
  };
}
