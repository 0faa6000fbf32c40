import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FolderId } from '../mailbox/model';
import type { PendingPurge } from '../mailbox/stored-objects';
import type { PurgeCondition } from '../mailbox/delete-message';
import { DynamoStoredMessages, purgeOf, releaseItem } from './dynamo-stored-messages';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import { transactWrite } from './transact-write';
import { readState, stateItems } from './change-log';
import { folderCounterItem, jitter, STATE_ATTEMPTS } from './folder-counters';

/**
 * How long a deleted message's tombstone is kept: well past the time SQS can still redeliver its
 * notification (retries, then the DLQ's retention and a redrive), after which TTL removes it.
 */
export const TOMBSTONE_TTL_SECONDS = 14 * 24 * 60 * 60;

/**
 * Deletes tried again after a concurrent move, flag or delete changed what they read. Each retry
 * reads afresh, so only a message changed this many times in a row fails (with a 500).
 */
const PURGE_ATTEMPTS = STATE_ATTEMPTS;

/** What deleting for good reads of a message, and conditions its writes on. */
interface PurgedFields {
  size: number;
  folder: FolderId;
  unread?: boolean;
  sesMessageId?: string;
  /** A recoverable item counts in the mailbox's recoverable totals, not its live ones. */
  recoverable?: { since: string };
  version?: number;
  /** Its term set in the search index (shared/store/dynamo-search-index), gone with it. */
  searchKey?: string;
}

/** What deleting a message for good did. */
export interface PurgeOutcome {
  deleted: boolean;
  /** The last reference to its SES message went: these objects are to be deleted. */
  purge?: PendingPurge;
}

/**
 * Deletes a message for good, in one transaction with the counters it was in (a live message:
 * its folder's counters and the mailbox's used bytes and count; a recoverable item: the
 * mailbox's recoverable totals), the mailbox's state and change-log entry, and its SES message's
 * reference count; `deleted: false` if there was no such message (nothing changes twice) or it
 * no longer meets `condition`. The same transaction leaves a tombstone that indexMessage checks,
 * so a late redelivery of the notification cannot bring the message back and charge it again.
 * Every write is conditioned on what was read (consistently): the message's folder, unread flag,
 * size, recoverable state and version, and the reference count; when a move, a flag or another
 * delete changed one of them meanwhile, the transaction fails and is built again from a fresh
 * read, so the counters never drift. `purge` names the objects to delete when this was the last
 * reference (see deleteMessageForGood). This is the one place a message item leaves the table:
 * whatever else is kept per message (index entries) is to be removed here too.
 */
export async function purgeMessage(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  id: string,
  now: Date,
  condition: PurgeCondition = {},
): Promise<PurgeOutcome> {
  const storedMessages = new DynamoStoredMessages(client, tableName);
  for (let attempt = 1; attempt <= PURGE_ATTEMPTS; attempt++) {
    const found = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.message(address, id),
        ConsistentRead: true,
      }),
    );
    const item = found.Item as PurgedFields | undefined;
    if (!item) return { deleted: false };
    if (condition.folder !== undefined && item.folder !== condition.folder) {
      return { deleted: false };
    }
    // The sweep's purge: a restore since the sweep listed it (or a later deletion) keeps it.
    const before = condition.recoverableBefore;
    if (before !== undefined && !(item.recoverable && item.recoverable.since < before)) {
      return { deleted: false };
    }
    const stored = item.sesMessageId
      ? await storedMessages.getStored(item.sesMessageId)
      : undefined;
    // No reference item: a message indexed before they existed; its objects are left to
    // reconcile's orphan sweep.
    const release =
      stored && stored.refs > 0 && !stored.purge ? releaseItem(tableName, stored, now) : undefined;
    const state = await readState(client, tableName, address);
    const live = item.recoverable === undefined;
    const { mailbox: mailboxItem, log: logItem } = stateItems(
      tableName,
      address,
      state?.state,
      // A recoverable item left the client's view when it became one: nothing more to say.
      live ? { messages: { destroyed: [id] }, folders: { updated: [item.folder] } } : {},
      now,
      live
        ? { add: { usedBytes: -item.size, messageCount: -1 } }
        : { add: { recoverableBytes: -item.size, recoverableCount: -1 } },
    );
    const { failedItem } = await transactWrite(client, [
      {
        Delete: {
          TableName: tableName,
          Key: keys.message(address, id),
          ConditionExpression: `attribute_exists(PK) AND folder = :folder AND size = :size AND ${
            item.unread === undefined ? 'attribute_not_exists(unread)' : 'unread = :unread'
          } AND ${live ? 'attribute_not_exists(recoverable)' : 'attribute_exists(recoverable)'} AND ${
            item.version === undefined ? 'attribute_not_exists(version)' : 'version = :version'
          }`,
          ExpressionAttributeValues: {
            ':folder': item.folder,
            ':size': item.size,
            ...(item.unread !== undefined && { ':unread': item.unread }),
            ...(item.version !== undefined && { ':version': item.version }),
          },
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.tombstone(address, id),
            type: 'tombstone',
            [TABLE_SCHEMA.ttlAttribute]: Math.floor(now.getTime() / 1000) + TOMBSTONE_TTL_SECONDS,
          },
        },
      },
      mailboxItem,
      ...(live
        ? [folderCounterItem(tableName, address, item.folder, -1, item.unread ? -1 : 0)]
        : []),
      ...(release ? [release.item] : []),
      logItem,
      // Its words leave the search index with it: the term set now; its postings in the index's
      // runs point at a message that no longer exists (never returned) until a compaction
      // rebuilds that range from the term sets.
      ...(item.searchKey
        ? [{ Delete: { TableName: tableName, Key: keys.searchTerms(address, item.searchKey) } }]
        : []),
    ]);
    if (failedItem === undefined) {
      return { deleted: true, ...(release?.purges && stored && { purge: purgeOf(stored) }) };
    }
    await jitter(attempt);
  }
  throw new Error(`message ${id} of ${address} kept changing while being deleted; try again`);
}
