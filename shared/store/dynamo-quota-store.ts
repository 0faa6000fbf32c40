import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { FolderId } from '../mailbox/model';
import type { NoticeLevel, QuotaNoticeStore } from '../quota/quota-notices';
import type { ReconcileStore, UsageTotals } from '../quota/reconcile';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import { decodePageCursor, encodePageCursor } from './page-cursor';
import { transactWrite } from './transact-write';

/** Mailboxes read per page by the reconcile scan. */
const SCAN_PAGE = 100;
/**
 * How long a deleted message's tombstone is kept: well past the time SQS can still redeliver its
 * notification (retries, then the DLQ's retention and a redrive), after which TTL removes it.
 */
export const TOMBSTONE_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Quota bookkeeping beyond ingest: notice markers, reconcile, and deleting mail for good. */
export class DynamoQuotaStore implements QuotaNoticeStore, ReconcileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async setQuotaNoticeLevel(
    address: string,
    from: number | undefined,
    to: NoticeLevel,
  ): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.mailbox(address),
      UpdateExpression: 'SET quotaNoticeLevel = :to',
      ConditionExpression:
        from === undefined
          ? 'attribute_exists(PK) AND attribute_not_exists(quotaNoticeLevel)'
          : 'quotaNoticeLevel = :from',
      ExpressionAttributeValues: { ':to': to, ...(from !== undefined && { ':from': from }) },
    });
  }

  /** A full scan, filtered to mailbox items: an operator's command, not a request path. */
  async listMailboxUsage(cursor?: string) {
    const start = cursor ? decodePageCursor(cursor, ['PK', 'SK']) : undefined;
    const result = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
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

  async sumMessages(address: string): Promise<UsageTotals> {
    const totals = { usedBytes: 0, messageCount: 0 };
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
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

  async setUsage(address: string, expected: UsageTotals, actual: UsageTotals): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.mailbox(address),
      UpdateExpression: 'SET usedBytes = :used, messageCount = :count',
      ConditionExpression: 'usedBytes = :oldUsed AND messageCount = :oldCount',
      ExpressionAttributeValues: {
        ':used': actual.usedBytes,
        ':count': actual.messageCount,
        ':oldUsed': expected.usedBytes,
        ':oldCount': expected.messageCount,
      },
    });
  }

  /**
   * Deletes a message for good and gives its bytes back, in one transaction with the folder
   * counters; false if there was no such message (already deleted: nothing changes twice). The
   * same transaction leaves a tombstone that indexMessage checks, so a late redelivery of the
   * notification cannot bring the message back and charge it again.
   */
  async purgeMessage(address: string, id: string, now: Date = new Date()): Promise<boolean> {
    const found = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.message(address, id) }),
    );
    const item = found.Item as { size: number; folder: FolderId; unread?: boolean } | undefined;
    if (!item) return false;
    const { failedItem } = await transactWrite(this.client, [
      {
        Delete: {
          TableName: this.tableName,
          Key: keys.message(address, id),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.tombstone(address, id),
            type: 'tombstone',
            [TABLE_SCHEMA.ttlAttribute]: Math.floor(now.getTime() / 1000) + TOMBSTONE_TTL_SECONDS,
          },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(address),
          UpdateExpression: 'ADD usedBytes :minusSize, messageCount :minusOne',
          ExpressionAttributeValues: { ':minusSize': -item.size, ':minusOne': -1 },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.folder(address, item.folder),
          UpdateExpression: 'ADD #total :minusOne, unread :unread',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':minusOne': -1, ':unread': item.unread ? -1 : 0 },
        },
      },
    ]);
    return failedItem === undefined;
  }
}
