import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../paging/cursor-codec';
import { decodePageCursor, encodePageCursor } from './page-cursor';

/**
 * One page of the items of one partition whose sort key begins with `prefix`, in sort-key
 * order, resumed from an opaque cursor (refused if it was issued for another partition): the
 * one way an audit trail (a share's, a secure message's) is read.
 */
export async function partitionPage(
  client: DynamoDBDocumentClient,
  input: { tableName: string; partition: string; prefix: string; limit: number; cursor?: string },
): Promise<{ items: Record<string, unknown>[]; next?: string }> {
  const start = input.cursor ? decodePageCursor(input.cursor, ['PK', 'SK']) : undefined;
  if (start && start.PK !== input.partition) throw new InvalidCursorError();
  const result = await client.send(
    new QueryCommand({
      TableName: input.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': input.partition, ':prefix': input.prefix },
      Limit: input.limit,
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  const next = encodePageCursor(result.LastEvaluatedKey);
  return { items: result.Items ?? [], ...(next && { next }) };
}
