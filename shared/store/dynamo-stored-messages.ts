import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { PendingPurge, StoredMessageStore, StoredObjects } from '../mailbox/stored-objects';
import type { StoredObjectsLedger } from '../quota/reconcile-objects';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';

import { scanPage } from './scan-page';
import type { TransactItems } from './transact-write';

/**
 * How long a purged message's marker is kept: as long as a deleted message's tombstone, past the
 * time SQS can still redeliver its notification, so a late redelivery finds it and stops.
 */
export const PURGED_MARKER_TTL_SECONDS = 14 * 24 * 60 * 60;
/** Conditional writes on one reference item retried after a concurrent change, at most. */
export const STORED_ITEM_ATTEMPTS = 10;

/** The reference item as stored. */
export interface StoredItem extends StoredObjects {
  sesMessageId: string;
  refs: number;
  /** Every recipient of its notification has been dealt with: no more references will come. */
  delivered?: boolean;
  /** Set when nothing refers to it any more: `pending` until its objects are deleted. */
  purge?: 'pending' | 'done';
}

export function purgeOf(item: StoredItem): PendingPurge {
  return { sesMessageId: item.sesMessageId, raw: item.raw, partCount: item.partCount };
}

/**
 * The item an index transaction adds: one more reference, and where the objects are. Refused
 * once the objects are being purged (their bytes are gone or going): see indexMessage.
 */
export function referenceItem(
  tableName: string,
  sesMessageId: string,
  objects: StoredObjects,
): TransactItems[number] {
  return {
    Update: {
      TableName: tableName,
      Key: keys.storedMessage(sesMessageId),
      UpdateExpression:
        'ADD refs :one SET #type = :type, sesMessageId = :ses, #raw = :raw, partCount = :parts',
      ConditionExpression: 'attribute_not_exists(purge)',
      ExpressionAttributeNames: { '#type': 'type', '#raw': 'raw' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':type': 'stored',
        ':ses': sesMessageId,
        ':raw': objects.raw,
        ':parts': objects.partCount,
      },
    },
  };
}

/**
 * The item a delete-for-good transaction changes: the count as read, minus one; conditioned on
 * the count and the delivered flag still being what was read, so a concurrent index or delete
 * makes the transaction fail and the caller reads again. The last reference of a delivered
 * message marks it for purging in the same transaction, so a crash before the S3 deletes leaves
 * a marker that reconcile sweeps rather than bytes nobody knows about.
 */
export function releaseItem(
  tableName: string,
  stored: StoredItem,
  now: Date,
): { item: TransactItems[number]; purges: boolean } {
  const refs = stored.refs - 1;
  const purges = refs === 0 && stored.delivered === true;
  return {
    purges,
    item: {
      Update: {
        TableName: tableName,
        Key: keys.storedMessage(stored.sesMessageId),
        UpdateExpression: purges
          ? 'SET refs = :refs, purge = :pending, purgeRequestedAt = :now'
          : 'SET refs = :refs',
        ConditionExpression: `refs = :old AND attribute_not_exists(purge) AND ${
          stored.delivered ? 'delivered = :true' : 'attribute_not_exists(delivered)'
        }`,
        ExpressionAttributeValues: {
          ':refs': refs,
          ':old': stored.refs,
          ...(stored.delivered && { ':true': true }),
          ...(purges && { ':pending': 'pending', ':now': now.toISOString() }),
        },
      },
    },
  };
}

/** Reference items on DynamoDB: consistent reads, every write conditioned on what was read. */
export class DynamoStoredMessages implements StoredMessageStore, StoredObjectsLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getStored(sesMessageId: string): Promise<StoredItem | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.storedMessage(sesMessageId),
        ConsistentRead: true,
      }),
    );
    return result.Item as StoredItem | undefined;
  }

  async purgeStateOf(sesMessageId: string) {
    return (await this.getStored(sesMessageId))?.purge;
  }

  async completeDelivery(
    sesMessageId: string,
    objects: StoredObjects,
    now: Date,
  ): Promise<PendingPurge | undefined> {
    for (let attempt = 1; attempt <= STORED_ITEM_ATTEMPTS; attempt++) {
      const stored = await this.getStored(sesMessageId);
      if (stored?.purge) return purgeOf(stored);
      const held = stored !== undefined && stored.refs > 0;
      const written = await this.conditionally(
        held
          ? new UpdateCommand({
              TableName: this.tableName,
              Key: keys.storedMessage(sesMessageId),
              UpdateExpression: 'SET delivered = :true',
              ConditionExpression: 'refs > :zero AND attribute_not_exists(purge)',
              ExpressionAttributeValues: { ':true': true, ':zero': 0 },
            })
          : this.markForPurge(sesMessageId, objects, now),
      );
      if (written) return held ? undefined : { sesMessageId, ...objects };
    }
    throw new Error(`the reference item of ${sesMessageId} kept changing; try again`);
  }

  /**
   * Marks an unreferenced message for purging (nobody indexed it, or everyone deleted it): only if
   * it still has no reference and is not marked already. Used by ingest and by reconcile.
   */
  markForPurge(sesMessageId: string, objects: StoredObjects, now: Date): UpdateCommand {
    return new UpdateCommand({
      TableName: this.tableName,
      Key: keys.storedMessage(sesMessageId),
      UpdateExpression:
        'SET #type = :type, sesMessageId = :ses, #raw = if_not_exists(#raw, :raw), ' +
        'partCount = if_not_exists(partCount, :parts), refs = if_not_exists(refs, :zero), ' +
        'delivered = :true, purge = :pending, purgeRequestedAt = :now',
      ConditionExpression:
        '(attribute_not_exists(refs) OR refs = :zero) AND attribute_not_exists(purge)',
      ExpressionAttributeNames: { '#type': 'type', '#raw': 'raw' },
      ExpressionAttributeValues: {
        ':type': 'stored',
        ':ses': sesMessageId,
        ':raw': objects.raw,
        ':parts': objects.partCount,
        ':zero': 0,
        ':true': true,
        ':pending': 'pending',
        ':now': now.toISOString(),
      },
    });
  }

  /** Reconcile's sweep: purges left pending by a crash between the transaction and S3. */
  async listPendingPurges(cursor?: string) {
    const page = await scanPage<StoredItem>(
      this.client,
      {
        TableName: this.tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(PK, :stored) AND purge = :pending',
        ExpressionAttributeValues: { ':stored': 'STORED#', ':pending': 'pending' },
      },
      cursor,
    );
    return { ...page, items: page.items.map(purgeOf) };
  }

  /** Marks objects nobody refers to for purging; false when a reference came meanwhile. */
  async markUnreferenced(sesMessageId: string, objects: StoredObjects, now: Date) {
    return this.conditionally(this.markForPurge(sesMessageId, objects, now));
  }

  async finishPurge(sesMessageId: string, now: Date): Promise<void> {
    await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.storedMessage(sesMessageId),
        UpdateExpression: 'SET purge = :done, #ttl = :expires',
        // Done already (a second sweep): nothing to change.
        ConditionExpression: 'purge = :pending',
        ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.ttlAttribute },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':pending': 'pending',
          ':expires': Math.floor(now.getTime() / 1000) + PURGED_MARKER_TTL_SECONDS,
        },
      }),
    );
  }

  async conditionally(command: UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
