import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UsageTotals } from '../quota/reconcile';
import { keys } from './keys';
import { decodePageCursor, encodePageCursor } from './page-cursor';

/** Mailboxes read per page by the reconcile scan. */
const SCAN_PAGE = 100;

/** A full scan, filtered to mailbox items: an operator's command, not a request path. */
export async function listMailboxUsage(
  client: DynamoDBDocumentClient,
  tableName: string,
  cursor?: string,
) {
  const start = cursor ? decodePageCursor(cursor, ['PK', 'SK']) : undefined;
  const result = await client.send(
    new ScanCommand({
      TableName: tableName,
      Limit: SCAN_PAGE,
      FilterExpression: 'SK = :profile AND begins_with(PK, :mbx)',
      ProjectionExpression: 'PK, SK, address, usedBytes, messageCount',
      ExpressionAttributeValues: { ':profile': 'PROFILE', ':mbx': 'MBX#' },
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  const items = (result.Items ?? []).map((item) => ({
    address: item.address as string,
    usedBytes: (item.usedBytes as number | undefined) ?? 0,
    messageCount: (item.messageCount as number | undefined) ?? 0,
  }));
  const next = encodePageCursor(result.LastEvaluatedKey);
  return { items, ...(next && { next }) };
}

export async function sumMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<UsageTotals> {
  const totals = { usedBytes: 0, messageCount: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
        ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK, ':msg': 'MSG#' },
        ProjectionExpression: 'size',
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of result.Items ?? []) {
      totals.usedBytes += (item.size as number | undefined) ?? 0;
      totals.messageCount++;
    }
    start = result.LastEvaluatedKey;
  } while (start);
  return totals;
}
