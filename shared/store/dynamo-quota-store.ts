import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeLevel, QuotaNoticeStore } from '../quota/quota-notices';
import type { ReconcileStore, RecordedUsage, UsageTotals } from '../quota/reconcile';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { purgeMessage, type PurgeOutcome } from './message-deletion';
import { listMailboxes, readUsage, sumMessages } from './usage-scan';

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
  listMailboxes(cursor?: string) {
    return listMailboxes(this.client, this.tableName, cursor);
  }

  readUsage(address: string): Promise<RecordedUsage | undefined> {
    return readUsage(this.client, this.tableName, address);
  }

  sumMessages(address: string): Promise<UsageTotals & { sesMessageIds: string[] }> {
    return sumMessages(this.client, this.tableName, address);
  }

  async setUsage(address: string, expected: RecordedUsage, actual: UsageTotals): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.mailbox(address),
      // The repair moves the counter too: a second reconcile racing this one fails its write.
      UpdateExpression: 'SET usedBytes = :used, messageCount = :count ADD changes :one',
      ConditionExpression: `usedBytes = :oldUsed AND messageCount = :oldCount AND ${
        expected.changes === undefined ? 'attribute_not_exists(changes)' : 'changes = :changes'
      }`,
      ExpressionAttributeValues: {
        ':used': actual.usedBytes,
        ':count': actual.messageCount,
        ':oldUsed': expected.usedBytes,
        ':oldCount': expected.messageCount,
        ':one': 1,
        ...(expected.changes !== undefined && { ':changes': expected.changes }),
      },
    });
  }

  /**
   * Deletes a message for good and gives its bytes back (shared/store/message-deletion);
   * `deleted: false` if there was no such message, `purge` when its objects are to go.
   */
  purgeMessage(address: string, id: string, now: Date = new Date()): Promise<PurgeOutcome> {
    return purgeMessage(this.client, this.tableName, address, id, now);
  }
}
