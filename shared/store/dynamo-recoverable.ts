import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PagePosition } from '../mailbox/mail-store';
import type { MessageSummary } from '../mailbox/model';
import type { RecoverablePage, RecoverableStore } from '../mailbox/recoverable';
import { keys } from './keys';
import { recoverableIndex } from './message-changes';
import { MESSAGE_SUMMARY_FIELDS, TABLE_SCHEMA } from './table-schema';

const index = TABLE_SCHEMA.indexes.byFolder;
const NAMES = {
  ...Object.fromEntries(MESSAGE_SUMMARY_FIELDS.map((field, i) => [`#f${i}`, field])),
  '#sk': index.sortKey,
};

/**
 * Recoverable items on the folder index (GSI1), under `MBX#<address>#RECOVERABLE` and sorted by
 * `<deleted at>#<id>`: the user's list is newest first, the sweep's oldest first up to a time.
 */
export class DynamoRecoverable implements RecoverableStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listRecoverable(
    address: string,
    limit: number,
    after?: PagePosition,
  ): Promise<RecoverablePage> {
    const items: (MessageSummary & { deletedAt: string; sk: string })[] = [];
    let start: Record<string, unknown> | undefined = after && {
      ...keys.message(address, after.id),
      [index.partitionKey]: recoverableIndex(address),
      [index.sortKey]: after.position,
    };
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey, ...NAMES },
          ExpressionAttributeValues: { ':pk': recoverableIndex(address) },
          ProjectionExpression: Object.keys(NAMES).join(', '),
          ScanIndexForward: false,
          Limit: limit + 1 - items.length,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of result.Items ?? []) {
        const { [index.sortKey]: sk, ...summary } = item as Record<string, string>;
        const deletedAt = (sk as string).slice(0, (sk as string).lastIndexOf('#'));
        items.push({ ...(summary as unknown as MessageSummary), deletedAt, sk: sk as string });
      }
      start = result.LastEvaluatedKey;
    } while (start && items.length <= limit);
    const page = items.slice(0, limit).map(({ sk: _sk, ...item }) => item);
    const last = items[limit - 1];
    if (items.length <= limit || !last) return { items: page };
    return { items: page, next: { position: last.sk, id: last.id } };
  }

  async listRecoverableBefore(address: string, before: string, limit: number): Promise<string[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': recoverableIndex(address), ':before': before },
        ProjectionExpression: 'id',
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => item.id as string);
  }
}
