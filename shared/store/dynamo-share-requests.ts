import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SHARE_LIMITS } from '../share/limits';
import type { ShareRequest, ShareRequestStore } from '../share/share-requests';
import { strip } from './account-items';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';

const TTL = TABLE_SCHEMA.ttlAttribute;
const DAY_SECONDS = 86_400;

/** ShareRequestStore: `REQUEST#<sha256(token)>`/`REQUEST`; expiry as `requestExpiresAt`. */
export class DynamoShareRequests implements ShareRequestStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createRequest(request: ShareRequest): Promise<void> {
    const { expiresAt, ...rest } = request;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.shareRequest(request.tokenHash),
          type: 'share-request',
          ...rest,
          requestExpiresAt: expiresAt,
          [TTL]:
            Math.floor(Date.parse(expiresAt) / 1000) +
            SHARE_LIMITS.auditRetentionDays * DAY_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getByTokenHash(tokenHash: string): Promise<ShareRequest | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.shareRequest(tokenHash),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const {
      requestExpiresAt,
      type: _t,
      [TTL]: _ttl,
      ...rest
    } = strip<Record<string, unknown>>(Item);
    return { ...rest, expiresAt: requestExpiresAt } as ShareRequest;
  }

  takeFileSlot(tokenHash: string, now: Date): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.shareRequest(tokenHash),
      UpdateExpression: 'ADD files :one',
      ConditionExpression:
        'files < maxFiles AND attribute_not_exists(revokedAt) AND requestExpiresAt > :now',
      ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
    });
  }

  async giveBackFileSlot(tokenHash: string): Promise<void> {
    await conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.shareRequest(tokenHash),
      UpdateExpression: 'ADD files :minusOne',
      ConditionExpression: 'files > :zero',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    });
  }
}
