import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeLevel, QuotaNoticeStore } from '../quota/quota-notices';
import type {
  FolderCounters,
  MessageSums,
  ReconcileStore,
  RecordedUsage,
  RecoverableTotals,
  UsageTotals,
} from '../quota/reconcile';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { purgeMessage, type PurgeOutcome } from './message-deletion';
import type { PurgeCondition } from '../mailbox/delete-message';
import { listMailboxes, readFolders, readUsage, sumMessages } from './usage-scan';
import { stateItems } from './change-log';
import { transactWrite, type TransactItems } from './transact-write';

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
    usedPercent: number,
  ): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.mailbox(address),
      UpdateExpression: 'SET quotaNoticeLevel = :to, quotaNoticeUsedPercent = :percent',
      ConditionExpression:
        from === undefined
          ? 'attribute_exists(PK) AND attribute_not_exists(quotaNoticeLevel)'
          : 'quotaNoticeLevel = :from',
      ExpressionAttributeValues: {
        ':to': to,
        ':percent': usedPercent,
        ...(from !== undefined && { ':from': from }),
      },
    });
  }

  /** A full scan, filtered to mailbox items: an operator's command, not a request path. */
  listMailboxes(cursor?: string) {
    return listMailboxes(this.client, this.tableName, cursor);
  }

  readUsage(address: string): Promise<RecordedUsage | undefined> {
    return readUsage(this.client, this.tableName, address);
  }

  sumMessages(address: string): Promise<MessageSums> {
    return sumMessages(this.client, this.tableName, address);
  }

  readFolders(address: string): Promise<Record<string, FolderCounters>> {
    return readFolders(this.client, this.tableName, address);
  }

  async setFolders(
    address: string,
    expected: RecordedUsage,
    counters: Record<string, FolderCounters>,
  ): Promise<boolean> {
    const ids = Object.keys(counters);
    const items: TransactItems = Object.entries(counters).map(([folder, counter]) => ({
      Update: {
        TableName: this.tableName,
        Key: keys.folder(address, folder),
        UpdateExpression:
          'SET #total = :total, unread = :unread, #type = if_not_exists(#type, :type), ' +
          'folder = if_not_exists(folder, :id)',
        ExpressionAttributeNames: { '#total': 'total', '#type': 'type' },
        ExpressionAttributeValues: {
          ':total': counter.total,
          ':unread': counter.unread,
          ':type': 'folder',
          ':id': folder,
        },
      },
    }));
    const { mailbox, log } = stateItems(
      this.tableName,
      address,
      expected.changes,
      { folders: { updated: ids } },
      new Date(),
    );
    items.push(mailbox, log);
    const { failedItem } = await transactWrite(this.client, items);
    return failedItem === undefined;
  }

  async setRecoverable(
    address: string,
    expected: RecordedUsage,
    actual: RecoverableTotals,
  ): Promise<boolean> {
    const { mailbox, log } = stateItems(this.tableName, address, expected.changes, {}, new Date(), {
      values: { ':bytes': actual.recoverableBytes, ':count': actual.recoverableCount },
    });
    mailbox.Update.UpdateExpression += ', recoverableBytes = :bytes, recoverableCount = :count';
    const { failedItem } = await transactWrite(this.client, [mailbox, log]);
    return failedItem === undefined;
  }

  async setUsage(address: string, expected: RecordedUsage, actual: UsageTotals): Promise<boolean> {
    // The repair moves the state too: a second reconcile racing this one fails its write.
    const { mailbox: mailboxItem, log: logItem } = stateItems(
      this.tableName,
      address,
      expected.changes,
      {},
      new Date(),
      {
        condition: 'usedBytes = :oldUsed AND messageCount = :oldCount',
        values: {
          ':oldUsed': expected.usedBytes,
          ':oldCount': expected.messageCount,
          ':used': actual.usedBytes,
          ':count': actual.messageCount,
        },
      },
    );
    mailboxItem.Update.UpdateExpression += ', usedBytes = :used, messageCount = :count';
    const { failedItem } = await transactWrite(this.client, [mailboxItem, logItem]);
    return failedItem === undefined;
  }

  /**
   * Deletes a message for good and gives its bytes back (shared/store/message-deletion);
   * `deleted: false` if there was no such message, `purge` when its objects are to go.
   */
  purgeMessage(
    address: string,
    id: string,
    now: Date = new Date(),
    condition?: PurgeCondition,
  ): Promise<PurgeOutcome> {
    return purgeMessage(this.client, this.tableName, address, id, now, condition);
  }
}
