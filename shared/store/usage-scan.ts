import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordedUsage, UsageTotals } from '../quota/reconcile';
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
      ProjectionExpression: 'usedBytes, messageCount, changes',
      ConsistentRead: true,
    }),
  );
  if (!result.Item) return undefined;
  return {
    usedBytes: (result.Item.usedBytes as number | undefined) ?? 0,
    messageCount: (result.Item.messageCount as number | undefined) ?? 0,
    ...(result.Item.changes !== undefined && { changes: result.Item.changes as number }),
  };
}

export async function sumMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<UsageTotals & { sesMessageIds: string[] }> {
  const totals = { usedBytes: 0, messageCount: 0, sesMessageIds: [] as string[] };
  let start: Record<string, unknown> | undefined;
  do {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
        ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK, ':msg': 'MSG#' },
        ProjectionExpression: 'size, sesMessageId',
        ConsistentRead: true,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of result.Items ?? []) {
      totals.usedBytes += (item.size as number | undefined) ?? 0;
      totals.messageCount++;
      if (typeof item.sesMessageId === 'string') totals.sesMessageIds.push(item.sesMessageId);
    }
    start = result.LastEvaluatedKey;
  } while (start);
  return totals;
}
