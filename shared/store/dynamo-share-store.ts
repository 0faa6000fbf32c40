import {
  BatchGetCommand,
  GetCommand,
  type BatchGetCommandOutput,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Finding } from '../scan/verdict';
import { ShareSpaceExceededError } from '../share/errors';
import { SHARE_LIMITS } from '../share/limits';
import type { Share, ShareEvent, ShareVerdictState } from '../share/model';
import type { ShareStore } from '../share/share-store';
import type { Page } from '../tenancy/tenancy-store';
import { queryPartition } from './gsi3-query';
import { keys } from './keys';
import { partitionPage } from './partition-page';
import {
  BATCH_GET_KEYS,
  DAY_SECONDS,
  dayOf,
  dueItem,
  eventItem,
  eventOf,
  shareItem,
  shareOf,
  tenantEntryItem,
} from './share-items';
import { transactWrite, type TransactItems } from './transact-write';

/** The ShareStore on the one table (keys.ts, table-schema.ts's catalogue). */
export class DynamoShareStore implements ShareStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private put(item: Record<string, unknown>, condition?: string): TransactItems[number] {
    return {
      Put: {
        TableName: this.tableName,
        Item: item,
        ...(condition && { ConditionExpression: condition }),
      },
    };
  }

  private dueItem(share: Share, dueAt: string): TransactItems[number] {
    return this.put(dueItem(share, dueAt));
  }

  async createShare(share: Share, allowedBytes: number, event: ShareEvent): Promise<void> {
    if (share.size > allowedBytes) throw new ShareSpaceExceededError();
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(share.owner),
          UpdateExpression: 'SET shareBytesUsed = if_not_exists(shareBytesUsed, :zero) + :size',
          // `:room` is what may already be used for the new file to fit.
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(shareBytesUsed) OR shareBytesUsed <= :room)',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':size': share.size,
            ':room': allowedBytes - share.size,
          },
        },
      },
      this.put(shareItem(share), 'attribute_not_exists(PK)'),
      this.dueItem(share, share.uploadDeadline),
      this.put(tenantEntryItem(share)),
      this.put(eventItem(share, event)),
    ]);
    if (failedItem === 0) throw new ShareSpaceExceededError();
    if (failedItem !== undefined) throw new Error(`share ${share.id} exists already`);
  }

  async getShare(id: string): Promise<Share | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.share(id) }),
    );
    return result.Item ? shareOf(result.Item) : undefined;
  }

  private async getMany(ids: string[]): Promise<Share[]> {
    if (ids.length === 0) return [];
    const found = new Map<string, Share>();
    for (let start = 0; start < ids.length; start += BATCH_GET_KEYS) {
      await this.getBatch(ids.slice(start, start + BATCH_GET_KEYS), found);
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  private async getBatch(ids: string[], found: Map<string, Share>): Promise<void> {
    let pending: Record<string, unknown>[] = ids.map((id) => keys.share(id));
    // BatchGet may hand back unprocessed keys under load: ask again for those only.
    while (pending.length > 0) {
      const result: BatchGetCommandOutput = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const share = shareOf(item);
        found.set(share.id, share);
      }
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
  }

  async listOwnerShares(owner: string, limit: number, cursor?: string): Promise<Page<Share>> {
    const page = await queryPartition(this.client, this.tableName, {
      partition: keys.ownerShares(owner),
      limit,
      cursor,
      newestFirst: true,
    });
    return { ...page, items: page.items.map(shareOf) };
  }

  async listTenantShares(tenantId: string, limit: number, cursor?: string): Promise<Page<Share>> {
    const page = await queryPartition(this.client, this.tableName, {
      partition: keys.tenantShares(tenantId),
      limit,
      cursor,
      newestFirst: true,
    });
    const shares = await this.getMany(page.items.map((item) => String(item.shareId)));
    return { ...page, items: shares };
  }

  async markUploaded(share: Share, at: string, event: ShareEvent): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.share(share.id),
          UpdateExpression: 'SET #state = :scanning, uploadedAt = :at',
          ConditionExpression: '#state = :uploading',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':scanning': 'scanning',
            ':uploading': 'uploading',
            ':at': at,
          },
        },
      },
      this.dueItem(share, share.expiresAt),
      this.put(eventItem(share, event)),
    ]);
    return failedItem === undefined;
  }

  async recordVerdict(
    share: Share,
    verdict: { state: ShareVerdictState; findings: Finding[]; scannedSha256?: string; at: string },
    event: ShareEvent,
  ): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.share(share.id),
          UpdateExpression: `SET #state = :state, findings = :findings, scannedAt = :at${
            verdict.scannedSha256 ? ', scannedSha256 = :sha' : ''
          }`,
          ConditionExpression: '#state = :scanning',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': verdict.state,
            ':findings': verdict.findings,
            ':at': verdict.at,
            ':scanning': 'scanning',
            ...(verdict.scannedSha256 && { ':sha': verdict.scannedSha256 }),
          },
        },
      },
      this.put(eventItem(share, event)),
    ]);
    return failedItem === undefined;
  }

  async takeDown(share: Share, by: string, at: string, event: ShareEvent): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.share(share.id),
          UpdateExpression: 'SET takenDown = :true, takenDownAt = :at, takenDownBy = :by',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':true': true, ':at': at, ':by': by },
        },
      },
      this.put(eventItem(share, event)),
    ]);
    return failedItem === undefined;
  }

  async deleteShare(share: Share, event: ShareEvent): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      {
        Delete: {
          TableName: this.tableName,
          Key: keys.share(share.id),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      { Delete: { TableName: this.tableName, Key: keys.shareDue(share.id) } },
      { Delete: { TableName: this.tableName, Key: keys.shareTenantEntry(share.id) } },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(share.owner),
          UpdateExpression: 'ADD shareBytesUsed :minus',
          // A mailbox deleted since keeps nothing to give back to.
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':minus': -share.size },
        },
      },
      this.put(eventItem(share, event)),
    ]);
    if (failedItem === 3) {
      // No mailbox any more: the share still goes.
      const retry = await transactWrite(this.client, [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.share(share.id),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        { Delete: { TableName: this.tableName, Key: keys.shareDue(share.id) } },
        { Delete: { TableName: this.tableName, Key: keys.shareTenantEntry(share.id) } },
        this.put(eventItem(share, event)),
      ]);
      return retry.failedItem === undefined;
    }
    return failedItem === undefined;
  }

  async listDue(now: Date, limit: number): Promise<Share[]> {
    const nowIso = now.toISOString();
    const ids: string[] = [];
    for (let back = SHARE_LIMITS.sweepLookbackDays; back >= 0 && ids.length < limit; back--) {
      const day = new Date(now.getTime() - back * DAY_SECONDS * 1000).toISOString();
      let cursor: string | undefined;
      do {
        const page = await queryPartition(this.client, this.tableName, {
          partition: keys.sharesDue(dayOf(day)),
          limit: limit - ids.length,
          cursor,
          sortKeyAtMost: `${nowIso}#~`,
        });
        ids.push(...page.items.map((item) => String(item.shareId)));
        cursor = page.next;
      } while (cursor && ids.length < limit);
    }
    return this.getMany(ids);
  }

  async putEvent(share: Pick<Share, 'id' | 'expiresAt'>, event: ShareEvent): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: eventItem(share, event),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async listEvents(shareId: string, limit: number, cursor?: string): Promise<Page<ShareEvent>> {
    const page = await partitionPage(this.client, {
      tableName: this.tableName,
      partition: keys.sharePartition(shareId),
      prefix: keys.shareEventPrefix,
      limit,
      ...(cursor && { cursor }),
    });
    return { items: page.items.map(eventOf), ...(page.next && { next: page.next }) };
  }
}
