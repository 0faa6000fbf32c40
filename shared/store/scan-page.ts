import {
  ScanCommand,
  type DynamoDBDocumentClient,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodePageCursor, encodePageCursor } from './page-cursor';

/** Items read per page by an operator's scan (reconcile, account drift). */
export const SCAN_PAGE = 100;

/**
 * One page of a filtered full-table scan, resumed from an opaque cursor: the one way the
 * operator commands walk the table. Never on a request path; its cost grows with the table.
 */
export async function scanPage<Item = Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  input: Omit<ScanCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  cursor?: string,
): Promise<{ items: Item[]; next?: string }> {
  const start = cursor ? decodePageCursor(cursor, ['PK', 'SK']) : undefined;
  const result = await client.send(
    new ScanCommand({ ...input, Limit: SCAN_PAGE, ...(start && { ExclusiveStartKey: start }) }),
  );
  const next = encodePageCursor(result.LastEvaluatedKey);
  return { items: (result.Items ?? []) as Item[], ...(next && { next }) };
}
