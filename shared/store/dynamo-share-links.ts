import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ShareLink } from '../share/link-model';
import type { LinkCreation, ShareLinkStore } from '../share/link-store';
import { SHARE_LIMITS } from '../share/limits';
import { strip } from './account-items';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import { transactWrite } from './transact-write';

const TTL = TABLE_SCHEMA.ttlAttribute;
const DAY_SECONDS = 86_400;
/** DynamoDB's BatchGetItem reads at most this many keys a call. */
const BATCH_GET_MAX = 100;

/**
 * A link's items outlive its expiry by the audit retention, so the owner still sees what became
 * of it; every grant checks the expiry itself (TTL deletes late, up to days).
 */
const retention = (expiresAt: string) =>
  Math.floor(Date.parse(expiresAt) / 1000) + SHARE_LIMITS.auditRetentionDays * DAY_SECONDS;

/**
 * What makes a share shareable, as a condition on its item (the same rule as isShareable with
 * the default policy): scanned clean, not taken down, and no checksum that failed to match.
 */
const NOT_TAKEN_DOWN_AND_MATCHING =
  '(attribute_not_exists(takenDown) OR takenDown = :false) AND ' +
  '(attribute_not_exists(sha256) OR attribute_not_exists(scannedSha256) OR sha256 = scannedSha256)';
export const SHAREABLE_CONDITION = `#state = :clean AND ${NOT_TAKEN_DOWN_AND_MATCHING}`;
/** The same where the tenant's policy shares unscannable files (a link's allowUnscannable). */
const SHAREABLE_OR_UNSCANNABLE_CONDITION = `#state IN (:clean, :unscannable) AND ${NOT_TAKEN_DOWN_AND_MATCHING}`;
const SHAREABLE_VALUES = { ':clean': 'clean', ':false': false };

/** The link's expiry is `linkExpiresAt`: `expiresAt` is the table's TTL attribute. */
function linkItem(link: ShareLink): Record<string, unknown> {
  const { expiresAt, ...rest } = link;
  return {
    ...keys.link(link.tokenHash),
    type: 'link',
    ...rest,
    linkExpiresAt: expiresAt,
    [TTL]: retention(expiresAt),
  };
}

function linkOf(item: Record<string, unknown>): ShareLink {
  const {
    linkExpiresAt,
    notifiedAt: _n,
    expiryNotedAt: _e,
    type: _t,
    [TTL]: _ttl,
    ...rest
  } = strip<Record<string, unknown>>(item);
  return { ...rest, expiresAt: linkExpiresAt } as ShareLink;
}

/** ShareLinkStore on the one table: `LINK#<sha256>`/`LINK`, and `SHARE#<id>`/`LINK#<linkId>`. */
export class DynamoShareLinks implements ShareLinkStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private shareIsShareable(shareId: string, allowUnscannable = false) {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: keys.share(shareId),
        ConditionExpression: allowUnscannable
          ? SHAREABLE_OR_UNSCANNABLE_CONDITION
          : SHAREABLE_CONDITION,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ...SHAREABLE_VALUES,
          ...(allowUnscannable && { ':unscannable': 'unscannable' }),
        },
      },
    };
  }

  /** Being scanned or clean, never taken down: a link made now opens once it is clean. */
  private shareIsScanningOrShareable(shareId: string) {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: keys.share(shareId),
        ConditionExpression: `#state IN (:clean, :scanning) AND ${NOT_TAKEN_DOWN_AND_MATCHING}`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ...SHAREABLE_VALUES, ':scanning': 'scanning' },
      },
    };
  }

  async createLink(link: ShareLink, options: LinkCreation = {}): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      options.whileScanning
        ? this.shareIsScanningOrShareable(link.shareId)
        : this.shareIsShareable(link.shareId, link.allowUnscannable === true),
      {
        Put: {
          TableName: this.tableName,
          Item: linkItem(link),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.shareLink(link.shareId, link.id),
            type: 'share-link',
            linkId: link.id,
            tokenHash: link.tokenHash,
            [TTL]: retention(link.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    return failedItem === undefined;
  }

  async getByTokenHash(tokenHash: string): Promise<ShareLink | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.link(tokenHash),
        ConsistentRead: true,
      }),
    );
    return Item ? linkOf(Item) : undefined;
  }

  async getById(shareId: string, linkId: string): Promise<ShareLink | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.shareLink(shareId, linkId),
        ConsistentRead: true,
      }),
    );
    return typeof Item?.tokenHash === 'string' ? this.getByTokenHash(Item.tokenHash) : undefined;
  }

  async listByShare(shareId: string): Promise<ShareLink[]> {
    const hashes: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :link)',
          ExpressionAttributeValues: { ':pk': keys.sharePartition(shareId), ':link': 'LINK#' },
          ProjectionExpression: 'tokenHash',
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) hashes.push(item.tokenHash as string);
      start = page.LastEvaluatedKey;
    } while (start);
    const links: ShareLink[] = [];
    for (let i = 0; i < hashes.length; i += BATCH_GET_MAX) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.tableName]: {
          Keys: hashes.slice(i, i + BATCH_GET_MAX).map((hash) => keys.link(hash)),
        },
      };
      while (request && Object.keys(request).length > 0) {
        const result = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? []) links.push(linkOf(item));
        request = result.UnprocessedKeys as typeof request;
      }
    }
    // Links made together (one per recipient) share a creation time; then by recipient.
    return links.sort(
      (a, b) =>
        a.createdAt.localeCompare(b.createdAt) ||
        (a.recipient ?? '').localeCompare(b.recipient ?? '') ||
        a.id.localeCompare(b.id),
    );
  }

  async grant(
    link: Pick<ShareLink, 'tokenHash' | 'shareId' | 'allowUnscannable'>,
    now: Date,
  ): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      this.shareIsShareable(link.shareId, link.allowUnscannable === true),
      {
        Update: {
          TableName: this.tableName,
          Key: keys.link(link.tokenHash),
          UpdateExpression: 'ADD downloads :one',
          ConditionExpression:
            'downloads < maxDownloads AND attribute_not_exists(revokedAt) AND linkExpiresAt > :now',
          ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
        },
      },
    ]);
    return failedItem === undefined;
  }

  claimFirstNotice(tokenHash: string, now: Date): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.link(tokenHash),
      UpdateExpression: 'SET notifiedAt = :now',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(notifiedAt)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  }

  claimExpiryNotice(tokenHash: string, now: Date): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.link(tokenHash),
      UpdateExpression: 'SET expiryNotedAt = :now',
      ConditionExpression: 'linkExpiresAt <= :now AND attribute_not_exists(expiryNotedAt)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  }

  revoke(link: Pick<ShareLink, 'tokenHash'>, now: Date): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.link(link.tokenHash),
      UpdateExpression: 'SET revokedAt = :now',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  }

  extend(link: Pick<ShareLink, 'tokenHash'>, expiresAt: string): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.link(link.tokenHash),
      UpdateExpression: 'SET linkExpiresAt = :expiresAt, #ttl = :ttl',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeNames: { '#ttl': TTL },
      ExpressionAttributeValues: { ':expiresAt': expiresAt, ':ttl': retention(expiresAt) },
    });
  }
}
