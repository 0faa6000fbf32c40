import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FolderCounters, MessageSums, RecordedUsage } from '../quota/reconcile';
import { keys } from './keys';
import { scanPage } from './scan-page';

/**
 * A full scan, filtered to mailbox items: an operator's command, not a request path. Only the
 * addresses are taken from it; the totals are read again, consistently, per mailbox.
 */
export async function listMailboxes(
  client: DynamoDBDocumentClient,
  tableName: string,
  cursor?: string,
) {
  const page = await scanPage<{ address: string }>(
    client,
    {
      TableName: tableName,
      ConsistentRead: true,
      FilterExpression: 'SK = :profile AND begins_with(PK, :mbx)',
      ProjectionExpression: 'address',
      ExpressionAttributeValues: { ':profile': 'PROFILE', ':mbx': 'MBX#' },
    },
    cursor,
  );
  return { ...page, items: page.items.map((item) => item.address) };
}

export async function readUsage(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<RecordedUsage | undefined> {
  const result = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.mailbox(address),
      ProjectionExpression: 'usedBytes, messageCount, changes, recoverableBytes, recoverableCount',
      ConsistentRead: true,
    }),
  );
  if (!result.Item) return undefined;
  return {
    usedBytes: (result.Item.usedBytes as number | undefined) ?? 0,
    messageCount: (result.Item.messageCount as number | undefined) ?? 0,
    ...(result.Item.changes !== undefined && { changes: result.Item.changes as number }),
    ...(result.Item.recoverableBytes !== undefined && {
      recoverableBytes: result.Item.recoverableBytes as number,
    }),
    ...(result.Item.recoverableCount !== undefined && {
      recoverableCount: result.Item.recoverableCount as number,
    }),
  };
}

export async function sumMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<MessageSums> {
  const totals: MessageSums = {
    usedBytes: 0,
    messageCount: 0,
    sesMessageIds: [],
    folders: {},
    recoverable: { recoverableBytes: 0, recoverableCount: 0 },
  };
  let start: Record<string, unknown> | undefined;
  do {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
        ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK, ':msg': 'MSG#' },
        ProjectionExpression: '#size, sesMessageId, folder, unread, recoverable',
        ExpressionAttributeNames: { '#size': 'size' },
        ConsistentRead: true,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of result.Items ?? []) {
      if (typeof item.sesMessageId === 'string') totals.sesMessageIds.push(item.sesMessageId);
      // Recoverable items are outside the live totals and every folder.
      if (item.recoverable !== undefined) {
        totals.recoverable.recoverableBytes += (item.size as number | undefined) ?? 0;
        totals.recoverable.recoverableCount++;
        continue;
      }
      totals.usedBytes += (item.size as number | undefined) ?? 0;
      totals.messageCount++;
      const folder = (totals.folders[item.folder as string] ??= { total: 0, unread: 0 });
      folder.total++;
      if (item.unread === true) folder.unread++;
    }
    start = result.LastEvaluatedKey;
  } while (start);
  return totals;
}

/** Every folder item's counters, read consistently. */
export async function readFolders(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<Record<string, FolderCounters>> {
  const folders: Record<string, FolderCounters> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :folder)',
        ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK, ':folder': 'FOLDER#' },
        ProjectionExpression: 'SK, #total, unread',
        ExpressionAttributeNames: { '#total': 'total' },
        ConsistentRead: true,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of result.Items ?? []) {
      folders[(item.SK as string).slice('FOLDER#'.length)] = {
        total: (item.total as number | undefined) ?? 0,
        unread: (item.unread as number | undefined) ?? 0,
      };
    }
    start = result.LastEvaluatedKey;
  } while (start);
  return folders;
}
