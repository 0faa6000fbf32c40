import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecureEvent, SecureRecipient } from '../send/secure-model';
import type { SecureMessageStore } from '../send/secure-store';
import type { SecureReplyClaim, SecureReplyClaims } from '../inbound/secure-reply-gate';
import { SHARE_LIMITS } from '../share/limits';
import type { Page } from '../tenancy/tenancy-store';
import { strip } from './account-items';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { partitionPage } from './partition-page';
import { TABLE_SCHEMA } from './table-schema';
import { transactWrite } from './transact-write';

const TTL = TABLE_SCHEMA.ttlAttribute;
const DAY_SECONDS = 86_400;
const EVENT_PREFIX = 'EVENT#';
const RECIPIENT_PREFIX = 'TO#';
/** Recipient entries read per query while withdrawing (a message has at most 500 recipients). */
const RECIPIENTS_PAGE = 100;

/** Kept past the message's expiry for the audit trail, as share links are. */
const ttlAfter = (iso: string) =>
  Math.floor(Date.parse(iso) / 1000) + SHARE_LIMITS.auditRetentionDays * DAY_SECONDS;

/**
 * SecureMessageStore: `SECURE#<sha256(token)>`/`SECURE` per recipient (expiry as
 * `secureExpiresAt`), `SECUREMSG#<secureId>`/`EVENT#<at>#<n>` for the trail.
 */
export class DynamoSecureMessages implements SecureMessageStore, SecureReplyClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createRecipient(record: SecureRecipient): Promise<void> {
    const { expiresAt, ...rest } = record;
    const { failedItem } = await transactWrite(this.client, [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.secureRecipient(record.tokenHash),
            type: 'secure-recipient',
            ...rest,
            secureExpiresAt: expiresAt,
            [TTL]: ttlAfter(expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.secureRecipientEntry(record.secureId, record.tokenHash),
            type: 'secure-recipient-entry',
            tokenHash: record.tokenHash,
            [TTL]: ttlAfter(expiresAt),
          },
        },
      },
    ]);
    // A fresh 256-bit token's hash is never taken: a failed condition is a bug, not a race.
    if (failedItem !== undefined) throw new Error('a secure recipient record already exists');
  }

  async deleteRecipient(tokenHash: string): Promise<void> {
    const record = await this.getByTokenHash(tokenHash);
    if (!record) return;
    await transactWrite(this.client, [
      { Delete: { TableName: this.tableName, Key: keys.secureRecipient(tokenHash) } },
      {
        Delete: {
          TableName: this.tableName,
          Key: keys.secureRecipientEntry(record.secureId, tokenHash),
        },
      },
    ]);
  }

  async listRecipients(secureId: string): Promise<SecureRecipient[]> {
    const found: SecureRecipient[] = [];
    let cursor: string | undefined;
    do {
      const page = await partitionPage(this.client, {
        tableName: this.tableName,
        partition: keys.secureTrail(secureId),
        prefix: RECIPIENT_PREFIX,
        limit: RECIPIENTS_PAGE,
        ...(cursor && { cursor }),
      });
      for (const item of page.items) {
        const record = await this.getByTokenHash(String(item.tokenHash));
        if (record) found.push(record);
      }
      cursor = page.next;
    } while (cursor);
    return found;
  }

  revoke(tokenHash: string, now: Date): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.secureRecipient(tokenHash),
      UpdateExpression: 'SET revokedAt = :now',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  }

  async getByTokenHash(tokenHash: string): Promise<SecureRecipient | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.secureRecipient(tokenHash),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const {
      secureExpiresAt,
      type: _t,
      [TTL]: _ttl,
      ...rest
    } = strip<Record<string, unknown>>(Item);
    return { ...rest, expiresAt: secureExpiresAt } as SecureRecipient;
  }

  async claimedReply(tokenHash: string): Promise<SecureReplyClaim | undefined> {
    const record = await this.getByTokenHash(tokenHash);
    return record?.repliedAt ? { owner: record.owner, recipient: record.recipient } : undefined;
  }

  setCode(tokenHash: string, codeHash: string, codeExpiresAt: string): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.secureRecipient(tokenHash),
      UpdateExpression: 'SET codeHash = :code, codeExpiresAt = :until',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':code': codeHash, ':until': codeExpiresAt },
    });
  }

  openSession(
    tokenHash: string,
    codeHash: string,
    session: { hash: string; expiresAt: string },
    now: Date,
  ): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.secureRecipient(tokenHash),
      UpdateExpression:
        'SET sessionHash = :session, sessionExpiresAt = :until, ' +
        'openedAt = if_not_exists(openedAt, :now) REMOVE codeHash, codeExpiresAt',
      ConditionExpression: 'codeHash = :code AND codeExpiresAt > :now',
      ExpressionAttributeValues: {
        ':code': codeHash,
        ':session': session.hash,
        ':until': session.expiresAt,
        ':now': now.toISOString(),
      },
    });
  }

  claimReply(tokenHash: string, sessionHash: string, now: Date): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.secureRecipient(tokenHash),
      UpdateExpression: 'SET repliedAt = :now',
      ConditionExpression:
        'sessionHash = :session AND sessionExpiresAt > :now AND attribute_not_exists(repliedAt)',
      ExpressionAttributeValues: { ':session': sessionHash, ':now': now.toISOString() },
    });
  }

  async releaseReply(tokenHash: string): Promise<void> {
    await conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.secureRecipient(tokenHash),
      UpdateExpression: 'REMOVE repliedAt',
      ConditionExpression: 'attribute_exists(PK)',
    });
  }

  async appendEvent(secureId: string, event: SecureEvent, keepUntil: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.secureEvent(secureId, event.at, randomBytes(4).toString('hex')),
          type: 'secure-event',
          ...event,
          [TTL]: ttlAfter(keepUntil),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async listEvents(secureId: string, limit: number, cursor?: string): Promise<Page<SecureEvent>> {
    const page = await partitionPage(this.client, {
      tableName: this.tableName,
      partition: keys.secureTrail(secureId),
      prefix: EVENT_PREFIX,
      limit,
      ...(cursor && { cursor }),
    });
    const items = page.items.map((item) => {
      const { type: _t, [TTL]: _ttl, ...event } = strip<Record<string, unknown>>(item);
      return event as unknown as SecureEvent;
    });
    return { items, ...(page.next && { next: page.next }) };
  }
}
