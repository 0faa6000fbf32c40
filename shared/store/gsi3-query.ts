import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from './table-schema';
import { decodePageCursor, encodePageCursor } from './page-cursor';
import { InvalidCursorError } from '../paging/cursor-codec';

const INDEX = TABLE_SCHEMA.indexes.directory;

/** A cursor is only good for the partition it was issued for: no hopping into another tenant's. */
function startKey(cursor: string, partition: string): Record<string, string> {
  const start = decodePageCursor(cursor, ['PK', 'SK', INDEX.partitionKey, INDEX.sortKey]);
  if (start[INDEX.partitionKey] !== partition) throw new InvalidCursorError();
  return start;
}

/**
 * One page of one GSI3 partition (directory prefix, tenant list or member list), optionally
 * narrowed by a sort-key prefix: one Query, Limit items, so the cost follows the page size.
 */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  query: {
    partition: string;
    prefix?: string;
    limit: number;
    cursor?: string;
    /** Descending sort key (shares: newest first). */
    newestFirst?: boolean;
    /** Only sort keys up to this one (the share sweep: due at or before now). */
    sortKeyAtMost?: string;
  },
): Promise<{ items: Record<string, unknown>[]; next?: string }> {
  const start = query.cursor ? startKey(query.cursor, query.partition) : undefined;
  const sortCondition = query.prefix
    ? ' AND begins_with(#sk, :prefix)'
    : query.sortKeyAtMost
      ? ' AND #sk <= :atMost'
      : '';
  const sorted = Boolean(query.prefix ?? query.sortKeyAtMost);
  const result = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: INDEX.name,
      KeyConditionExpression: `#pk = :pk${sortCondition}`,
      ExpressionAttributeNames: {
        '#pk': INDEX.partitionKey,
        ...(sorted && { '#sk': INDEX.sortKey }),
      },
      ExpressionAttributeValues: {
        ':pk': query.partition,
        ...(query.prefix && { ':prefix': query.prefix }),
        ...(!query.prefix && query.sortKeyAtMost && { ':atMost': query.sortKeyAtMost }),
      },
      Limit: query.limit,
      ...(query.newestFirst && { ScanIndexForward: false }),
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  const next = encodePageCursor(result.LastEvaluatedKey);
  return { items: result.Items ?? [], ...(next && { next }) };
}
