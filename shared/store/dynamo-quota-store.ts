import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeLevel, QuotaNoticeStore } from '../quota/quota-notices';
import type { ReconcileStore, UsageTotals } from '../quota/reconcile';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { purgeMessage } from './message-deletion';
import { listMailboxUsage, sumMessages } from './usage-scan';

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
  listMailboxUsage(cursor?: string) {
    return listMailboxUsage(this.client, this.tableName, cursor);
  }

  sumMessages(address: string): Promise<UsageTotals> {
    return sumMessages(this.client, this.tableName, address);
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
   * Deletes a message for good and gives its bytes back (shared/store/message-deletion); false
   * if there was no such message.
   */
  purgeMessage(address: string, id: string, now: Date = new Date()): Promise<boolean> {
    return purgeMessage(this.client, this.tableName, address, id, now);
  }
}
