import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Cursor } from '../mailbox/cursor';
import {
  type FolderPage,
  type IndexOptions,
  type IndexOutcome,
  type MailStore,
} from '../mailbox/mail-store';
import type { FolderId, MessageRecord, MessageSummary } from '../mailbox/model';
import { DynamoAccountReads, strip } from './account-items';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import { transactWrite } from './transact-write';

/** How often indexing re-reads a quota that changed under it (a tier or add-on change). */
const MAX_QUOTA_CHANGE_RETRIES = 8;
const FAILED = 'ConditionalCheckFailed';

const SUMMARY_FIELDS: (keyof MessageSummary)[] = [
  'id',
  'folder',
  'receivedAt',
  'from',
  'to',
  'cc',
  'toTotal',
  'ccTotal',
  'subject',
  'snippet',
  'size',
  'unread',
  'threadId',
  'hasAttachments',
  'verdict',
];

/** The MailStore on DynamoDB (the real service, or DynamoDB Local). */
export class DynamoMailStore extends DynamoAccountReads implements MailStore {
  async findTenantIdByDomain(domain: string): Promise<string | undefined> {
    const item = await this.get(keys.domain(domain));
    return item?.tenantId as string | undefined;
  }

  async indexMessage(
    record: MessageRecord,
    quotaBytes: number,
    options: IndexOptions = {},
  ): Promise<IndexOutcome> {
    const { mailbox: address, id, folder, size } = record;
    const charge = options.chargeQuota ?? true;
    const timeline = keys.timeline(record.receivedAt, id);
    let quota = quotaBytes;
    for (let attempt = 0; ; attempt++) {
      // The order matters: cancellation reasons come back in this order.
      const { reasons } = await transactWrite(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.message(address, id),
              type: 'message',
              GSI1PK: keys.folderIndex(address, folder),
              GSI1SK: timeline,
              GSI2PK: keys.threadIndex(address, record.threadId),
              GSI2SK: timeline,
              ...record,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        charge
          ? {
              Update: {
                TableName: this.tableName,
                Key: keys.mailbox(address),
                UpdateExpression: 'ADD usedBytes :size, messageCount :one',
                // used + size <= quota. Conditions cannot add, so the bound is computed
                // here from the quota read before; the quota must still be that value.
                ConditionExpression:
                  'attribute_exists(PK) AND quotaBytes = :quota AND usedBytes <= :maxUsed',
                ExpressionAttributeValues: {
                  ':size': size,
                  ':one': 1,
                  ':quota': quota,
                  ':maxUsed': quota - size,
                },
              },
            }
          : {
              // A system notice: counted, never charged, whatever the usage is now.
              Update: {
                TableName: this.tableName,
                Key: keys.mailbox(address),
                UpdateExpression: 'ADD messageCount :one',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.folder(address, folder),
            UpdateExpression: 'ADD #total :one, unread :one',
            ExpressionAttributeNames: { '#total': 'total' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        {
          // Deleted for good before (a redelivery after the owner's delete): stays gone.
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.tombstone(address, id),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
      if (!reasons) return 'indexed';
      const [message, , , tombstone] = reasons;
      if (message === FAILED || tombstone === FAILED) return 'duplicate';
      const current = await this.getMailbox(address);
      if (!current) return 'no-mailbox';
      // The quota changed under us (a tier or add-on change): try again with the new one.
      if (charge && current.quotaBytes !== quota && attempt < MAX_QUOTA_CHANGE_RETRIES) {
        quota = current.quotaBytes;
        continue;
      }
      // Only the mailbox's condition is left to have failed: the message would pass the quota.
      return 'over-quota';
    }
  }

  async listFolder(
    address: string,
    folder: FolderId,
    limit: number,
    after?: Cursor,
  ): Promise<FolderPage> {
    const index = TABLE_SCHEMA.indexes.byFolder;
    const partition = keys.folderIndex(address, folder);
    const items = await this.querySummaries(index, partition, limit, {
      ScanIndexForward: false,
      ...(after && {
        ExclusiveStartKey: {
          ...keys.message(address, after.id),
          [index.partitionKey]: partition,
          [index.sortKey]: after.position,
        },
      }),
    });
    if (items.length <= limit) return { items };
    items.length = limit;
    const last = items[limit - 1] as MessageSummary;
    return {
      items,
      next: { folder, position: keys.timeline(last.receivedAt, last.id), id: last.id },
    };
  }

  async listThread(
    address: string,
    threadId: string,
    limit: number,
  ): Promise<{ items: MessageSummary[]; more: boolean }> {
    const index = TABLE_SCHEMA.indexes.byThread;
    const partition = keys.threadIndex(address, threadId);
    const items = await this.querySummaries(index, partition, limit, { ScanIndexForward: true });
    const more = items.length > limit;
    if (more) items.length = limit;
    return { items, more };
  }

  /**
   * Up to `limit + 1` summaries of one index partition: one more than asked tells whether
   * another page exists, without an empty last page.
   */
  private async querySummaries(
    index: { name: string; partitionKey: string },
    partition: string,
    limit: number,
    options: Pick<QueryCommandInput, 'ScanIndexForward' | 'ExclusiveStartKey'>,
  ): Promise<MessageSummary[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': index.partitionKey,
          ...Object.fromEntries(SUMMARY_FIELDS.map((field, i) => [`#f${i}`, field])),
        },
        ExpressionAttributeValues: { ':pk': partition },
        Limit: limit + 1,
        ProjectionExpression: SUMMARY_FIELDS.map((_, i) => `#f${i}`).join(', '),
        ...options,
      }),
    );
    return (result.Items ?? []) as MessageSummary[];
  }

  async markSeen(address: string, at: string, staleBefore: string): Promise<void> {
    // A false answer: another request recorded it first, which is the point of the condition.
    await conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.mailbox(address),
      UpdateExpression: 'SET lastSeenAt = :at',
      ConditionExpression:
        'attribute_exists(PK) AND (attribute_not_exists(lastSeenAt) OR lastSeenAt < :stale)',
      ExpressionAttributeValues: { ':at': at, ':stale': staleBefore },
    });
  }

  async getMessage(address: string, id: string): Promise<MessageRecord | undefined> {
    const item = await this.get(keys.message(address, id));
    return item ? strip<MessageRecord>(item) : undefined;
  }
}
