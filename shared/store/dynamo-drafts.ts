import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DraftRecord, DraftStore } from '../send/drafts';
import { strip } from './account-items';
import { readState, stateItems } from './change-log';
import { folderCounterItem, jitter, STATE_ATTEMPTS } from './folder-counters';
import { keys } from './keys';
import { purgeMessage } from './message-deletion';
import { transactWrite } from './transact-write';

const FAILED = 'ConditionalCheckFailed';

/**
 * Drafts on the one table: message items of the `drafts` folder (listed like any folder). Each
 * save is one transaction with the quota, the folder counters, the mailbox's state and its
 * change-log entry, as indexing a message is (shared/store/change-log); a draft leaves the table
 * through the one exit of a message item (message-deletion), for good.
 */
export class DynamoDrafts implements DraftStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getDraft(address: string, id: string): Promise<DraftRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.message(address, id),
        ConsistentRead: true,
      }),
    );
    const item = result.Item;
    if (!item || item.folder !== 'drafts' || !item.draft || item.recoverable) return undefined;
    return strip<DraftRecord>(item);
  }

  async saveDraft(record: DraftRecord, quotaBytes: number, previous?: DraftRecord) {
    const { mailbox: address, id } = record;
    const delta = record.size - (previous?.size ?? 0);
    const timeline = keys.timeline(record.receivedAt, id);
    // A replacement is a change of the item like a flag or a move: its version moves on.
    const version = previous ? (previous.version ?? 0) + 1 : undefined;
    for (let attempt = 0; attempt < STATE_ATTEMPTS; attempt++) {
      const read = await readState(this.client, this.tableName, address);
      if (!read) return false;
      const { mailbox, log } = stateItems(
        this.tableName,
        address,
        read.state,
        { messages: previous ? { updated: [id] } : { created: [id] } },
        new Date(),
        {
          add: previous ? { usedBytes: delta } : { usedBytes: delta, messageCount: 1 },
          condition: 'usedBytes <= :maxUsed',
          values: { ':maxUsed': quotaBytes - delta },
        },
      );
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
              ...(version !== undefined && { version }),
            },
            // Create: nothing there. Replace: still the draft that was read (same size, time
            // and version), so a flag or move meanwhile is not overwritten.
            ...(previous
              ? {
                  ConditionExpression: `folder = :drafts AND #size = :size AND receivedAt = :at AND attribute_not_exists(recoverable) AND ${
                    previous.version === undefined
                      ? 'attribute_not_exists(version)'
                      : 'version = :version'
                  }`,
                  ExpressionAttributeNames: { '#size': 'size' },
                  ExpressionAttributeValues: {
                    ':drafts': 'drafts',
                    ':size': previous.size,
                    ':at': previous.receivedAt,
                    ...(previous.version !== undefined && { ':version': previous.version }),
                  },
                }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        },
        mailbox,
        ...(previous ? [] : [folderCounterItem(this.tableName, address, 'drafts', 1, 0)]),
        log,
      ]);
      if (!reasons) return true;
      if (reasons[0] === FAILED) return false;
      const again = await readState(this.client, this.tableName, address);
      // Same state: the quota condition failed. Otherwise another change came first.
      if (!again || again.state === read.state) return false;
      await jitter(attempt);
    }
    throw new Error(`mailbox ${address} kept changing while saving draft ${id}; try again`);
  }

  /** Deletes the draft for good (not to Deleted Items: it was never mail), while still a draft. */
  async deleteDraft(address: string, id: string): Promise<boolean> {
    if (!(await this.getDraft(address, id))) return false;
    const { deleted } = await purgeMessage(this.client, this.tableName, address, id, new Date(), {
      folder: 'drafts',
    });
    return deleted;
  }
}
