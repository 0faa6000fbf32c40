import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FolderId } from '../mailbox/model';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import { transactWrite } from './transact-write';

/**
 * How long a deleted message's tombstone is kept: well past the time SQS can still redeliver its
 * notification (retries, then the DLQ's retention and a redrive), after which TTL removes it.
 */
export const TOMBSTONE_TTL_SECONDS = 14 * 24 * 60 * 60;

/**
 * Deletes a message for good and gives its bytes back, in one transaction with the folder
 * counters; false if there was no such message (already deleted: nothing changes twice). The
 * same transaction leaves a tombstone that indexMessage checks, so a late redelivery of the
 * notification cannot bring the message back and charge it again.
 */
export async function purgeMessage(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const found = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.message(address, id) }),
  );
  const item = found.Item as { size: number; folder: FolderId; unread?: boolean } | undefined;
  if (!item) return false;
  const { failedItem } = await transactWrite(client, [
    {
      Delete: {
        TableName: tableName,
        Key: keys.message(address, id),
        ConditionExpression: 'attribute_exists(PK)',
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
    {
      Update: {
        TableName: tableName,
        Key: keys.mailbox(address),
        UpdateExpression: 'ADD usedBytes :minusSize, messageCount :minusOne',
        ExpressionAttributeValues: { ':minusSize': -item.size, ':minusOne': -1 },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: keys.folder(address, item.folder),
        UpdateExpression: 'ADD #total :minusOne, unread :unread',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':minusOne': -1, ':unread': item.unread ? -1 : 0 },
      },
    },
  ]);
  return failedItem === undefined;
}
