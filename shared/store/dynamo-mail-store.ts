import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type IndexOptions,
  type IndexOutcome,
  type MailStore,
  type PagePosition,
  type SummaryPage,
} from '../mailbox/mail-store';
import type { FolderId, MessageRecord, MessageSummary } from '../mailbox/model';
import { DynamoAccountReads, strip } from './account-items';
import { conditionalUpdate } from './conditional-update';
import { referenceItem } from './dynamo-stored-messages';
import { keys } from './keys';
import { MESSAGE_SUMMARY_FIELDS, TABLE_SCHEMA, type IndexSchema } from './table-schema';
import { transactWrite } from './transact-write';
import { readState, stateItems } from './change-log';
import { folderCounterItem, jitter, STATE_ATTEMPTS } from './folder-counters';

/** How often indexing re-reads a quota that changed under it (a tier or add-on change). */
const MAX_QUOTA_CHANGE_RETRIES = 8;
/** Tries when concurrent transactions on the mailbox moved its state first (STATE_ATTEMPTS). */
const MAX_STATE_RETRIES = STATE_ATTEMPTS;
const FAILED = 'ConditionalCheckFailed';

/** The summary fields as a projection (names, since several are DynamoDB reserved words). */
const SUMMARY_NAMES = Object.fromEntries(
  MESSAGE_SUMMARY_FIELDS.map((field, i) => [`#f${i}`, field]),
);
const SUMMARY_PROJECTION = Object.keys(SUMMARY_NAMES).join(', ');

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
    const charge = options.chargeQuota ?? true;
    const objects = options.objects ?? { raw: record.raw, partCount: record.attachments.length };
    return this.indexWithQuota(record, quotaBytes, charge, objects, options.searchKey);
  }

  private async indexWithQuota(
    record: MessageRecord,
    quotaBytes: number,
    charge: boolean,
    objects: NonNullable<IndexOptions['objects']>,
    searchKey: string | undefined,
  ): Promise<IndexOutcome> {
    const { mailbox: address, id, folder, size } = record;
    const timeline = keys.timeline(record.receivedAt, id);
    let quota = quotaBytes;
    for (let attempt = 0; ; attempt++) {
      // The state the transaction moves on from (shared/store/change-log): read each attempt.
      const read = await readState(this.client, this.tableName, address);
      if (!read) return 'no-mailbox';
      const { mailbox: mailboxItem, log: logItem } = stateItems(
        this.tableName,
        address,
        read.state,
        // The folder's total and unread move too: a client showing them hears of it.
        { messages: { created: [id] }, folders: { updated: [folder] } },
        new Date(),
        charge
          ? {
              add: { usedBytes: size, messageCount: 1 },
              // used + size <= quota. Conditions cannot add, so the bound is computed
              // here from the quota read before; the quota must still be that value.
              condition: 'quotaBytes = :quota AND usedBytes <= :maxUsed',
              values: { ':quota': quota, ':maxUsed': quota - size },
            }
          : // A system notice: counted, never charged, whatever the usage is now.
            { add: { messageCount: 1 } },
      );
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
              ...(searchKey && { searchKey }),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        mailboxItem,
        folderCounterItem(this.tableName, address, folder, 1, record.unread ? 1 : 0),
        {
          // Deleted for good before (a redelivery after the owner's delete): stays gone.
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.tombstone(address, id),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        // One more item refers to the SES message's objects (shared/mailbox/stored-objects).
        referenceItem(this.tableName, record.sesMessageId, objects),
        logItem,
      ]);
      if (!reasons) return 'indexed';
      const [message, , , tombstone, stored] = reasons;
      // Purged objects (`stored`): every recipient had been dealt with and none holds the
      // message any more, so this is a redelivery of a notification already handled in full.
      if (message === FAILED || tombstone === FAILED || stored === FAILED) return 'duplicate';
      const current = await readState(this.client, this.tableName, address);
      if (!current) return 'no-mailbox';
      if (attempt >= MAX_STATE_RETRIES) {
        throw new Error(`mailbox ${address} kept changing while indexing ${id}; try again`);
      }
      // Another transaction moved the state first (a concurrent delivery, move or flag).
      if (current.state !== read.state) {
        await jitter(attempt);
        continue;
      }
      // The quota changed under us (a tier or add-on change): try again with the new one.
      if (charge && current.quotaBytes !== quota && attempt < MAX_QUOTA_CHANGE_RETRIES) {
        quota = current.quotaBytes;
        continue;
      }
      // Only the quota condition is left to have failed: the message would pass the quota.
      return 'over-quota';
    }
  }

  listFolder(
    address: string,
    folder: FolderId,
    limit: number,
    after?: PagePosition,
  ): Promise<SummaryPage> {
    const index = TABLE_SCHEMA.indexes.byFolder;
    return this.listIndex(index, keys.folderIndex(address, folder), address, limit, after, false);
  }

  listFolderReceivedBefore(
    address: string,
    folder: FolderId,
    before: string,
    limit: number,
    after?: PagePosition,
  ): Promise<SummaryPage> {
    const index = TABLE_SCHEMA.indexes.byFolder;
    const partition = keys.folderIndex(address, folder);
    return this.listIndex(index, partition, address, limit, after, true, before);
  }

  listThread(
    address: string,
    threadId: string,
    limit: number,
    after?: PagePosition,
  ): Promise<SummaryPage> {
    const index = TABLE_SCHEMA.indexes.byThread;
    return this.listIndex(index, keys.threadIndex(address, threadId), address, limit, after, true);
  }

  /**
   * One page of a message index. DynamoDB ends a Query at `Limit` items or 1 MB read, whichever
   * comes first, and says where with LastEvaluatedKey: the reading goes on from there until the
   * page holds one more item than asked (which tells that another page exists, so the last page
   * is never an empty one) or the index ends (no LastEvaluatedKey). The page's position is the
   * key of its last item, which is where DynamoDB's own key would have been had it stopped there.
   */
  private async listIndex(
    index: IndexSchema,
    partition: string,
    address: string,
    limit: number,
    after: PagePosition | undefined,
    oldestFirst: boolean,
    /** Only messages received before this time (`<receivedAt>#<id>` sorts below it). */
    receivedBefore?: string,
  ): Promise<SummaryPage> {
    const items: MessageSummary[] = [];
    let startKey: Record<string, unknown> | undefined = after && {
      ...keys.message(address, after.id),
      [index.partitionKey]: partition,
      [index.sortKey]: after.position,
    };
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `#pk = :pk${receivedBefore ? ' AND #sk < :before' : ''}`,
          ExpressionAttributeNames: {
            '#pk': index.partitionKey,
            ...(receivedBefore && { '#sk': index.sortKey }),
            ...SUMMARY_NAMES,
          },
          ExpressionAttributeValues: {
            ':pk': partition,
            ...(receivedBefore && { ':before': receivedBefore }),
          },
          ScanIndexForward: oldestFirst,
          Limit: limit + 1 - items.length,
          ProjectionExpression: SUMMARY_PROJECTION,
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...((result.Items ?? []) as MessageSummary[]));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length <= limit);
    if (items.length <= limit) return { items };
    items.length = limit;
    const last = items[limit - 1] as MessageSummary;
    return { items, next: { position: keys.timeline(last.receivedAt, last.id), id: last.id } };
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
