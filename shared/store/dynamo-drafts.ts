import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DraftRecord, DraftStore } from '../send/drafts';
import { strip } from './account-items';
import { keys } from './keys';
import { transactWrite } from './transact-write';

/**
 * Drafts on the one table: message items of the `drafts` folder (listed like any folder), each
 * write one transaction with the quota and the folder counters, as indexing a message is.
 */
export class DynamoDrafts implements DraftStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getDraft(address: string, id: string): Promise<DraftRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.message(address, id) }),
    );
    const item = result.Item;
    if (!item || item.folder !== 'drafts' || !item.draft) return undefined;
    return strip<DraftRecord>(item);
  }

  async saveDraft(record: DraftRecord, quotaBytes: number, previous?: DraftRecord) {
    const { mailbox: address, id } = record;
    const delta = record.size - (previous?.size ?? 0);
    const timeline = keys.timeline(record.receivedAt, id);
    const { reasons } = await transactWrite(this.client, [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.message(address, id),
            type: 'message',
            GSI1PK: keys.folderIndex(address, 'drafts'),
            GSI1SK: timeline,
            GSI2PK: keys.threadIndex(address, record.threadId),
            GSI2SK: timeline,
            ...record,
          },
          // Create: nothing there. Replace: still the draft that was read (same size and time).
          ...(previous
            ? {
                ConditionExpression: 'folder = :drafts AND #size = :size AND receivedAt = :at',
                ExpressionAttributeNames: { '#size': 'size' },
                ExpressionAttributeValues: {
                  ':drafts': 'drafts',
                  ':size': previous.size,
                  ':at': previous.receivedAt,
                },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(address),
          UpdateExpression: previous
            ? 'ADD usedBytes :delta, changes :one'
            : 'ADD usedBytes :delta, messageCount :one, changes :one',
          ConditionExpression: 'attribute_exists(PK) AND usedBytes <= :maxUsed',
          ExpressionAttributeValues: { ':delta': delta, ':one': 1, ':maxUsed': quotaBytes - delta },
        },
      },
      ...(previous
        ? []
        : [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.folder(address, 'drafts'),
                UpdateExpression: 'ADD #total :one',
                ExpressionAttributeNames: { '#total': 'total' },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ]),
    ]);
    return !reasons;
  }

  async deleteDraft(address: string, id: string): Promise<boolean> {
    const draft = await this.getDraft(address, id);
    if (!draft) return false;
    const { reasons } = await transactWrite(this.client, [
      {
        Delete: {
          TableName: this.tableName,
          Key: keys.message(address, id),
          ConditionExpression: 'folder = :drafts AND #size = :size AND receivedAt = :at',
          ExpressionAttributeNames: { '#size': 'size' },
          ExpressionAttributeValues: {
            ':drafts': 'drafts',
            ':size': draft.size,
            ':at': draft.receivedAt,
          },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(address),
          UpdateExpression: 'ADD usedBytes :minus, messageCount :minusOne, changes :one',
          ExpressionAttributeValues: { ':minus': -draft.size, ':minusOne': -1, ':one': 1 },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.folder(address, 'drafts'),
          UpdateExpression: 'ADD #total :minusOne',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ]);
    // Changed meanwhile (replaced, or deleted by another request): read again.
    if (reasons) return this.deleteDraft(address, id);
    return true;
  }
}
