import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttemptLimiter, AttemptReceipt, AttemptRule } from '../share/attempt-limits';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';

/**
 * Concurrent takes of one counter race on its `next` field; the losers read again. Past this
 * many lost races an attempt is refused (fail closed: a burst of guesses is the attack).
 */
const MAX_RACES = 8;

/**
 * AttemptLimiter on one item per key: a ring of `limit` slots holding the times of the last
 * `limit` attempts, and `next`, the slot to write. Slots are written in ring order, so slot
 * `next` holds the oldest of them: an attempt is allowed exactly when that one is older than the
 * window (a true sliding window: never more than `limit` in any `windowSeconds`). The write is
 * conditional on `next` being what was read, so two concurrent attempts cannot take one slot.
 * The item expires (TTL) one window after the last attempt.
 */
export class DynamoAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(key: string, rule: AttemptRule, now: Date): Promise<AttemptReceipt | undefined> {
    const at = now.getTime();
    for (let race = 0; race < MAX_RACES; race++) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.attempts(key),
          ConsistentRead: true,
        }),
      );
      const next = typeof Item?.next === 'number' ? Item.next : 0;
      const slot = next % rule.limit;
      const oldest = Item?.[`s${slot}`];
      if (typeof oldest === 'number' && oldest > at - rule.windowSeconds * 1000) return undefined;
      const taken = await conditionalUpdate(this.client, {
        TableName: this.tableName,
        Key: keys.attempts(key),
        UpdateExpression: 'SET #slot = :at, #next = :after, #ttl = :ttl',
        ConditionExpression: Item ? '#next = :next' : 'attribute_not_exists(#next)',
        ExpressionAttributeNames: {
          '#slot': `s${slot}`,
          '#next': 'next',
          '#ttl': TABLE_SCHEMA.ttlAttribute,
        },
        ExpressionAttributeValues: {
          ':at': at,
          ':after': next + 1,
          ':ttl': Math.ceil(at / 1000) + rule.windowSeconds,
          ...(Item && { ':next': next }),
        },
      });
      if (taken) return { key, slot, at };
    }
    return undefined;
  }

  async giveBack(receipt: AttemptReceipt): Promise<void> {
    // Only while the slot still holds this attempt: a later one that reused it stays counted.
    await conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.attempts(receipt.key),
      UpdateExpression: 'SET #slot = :zero',
      ConditionExpression: '#slot = :at',
      ExpressionAttributeNames: { '#slot': `s${receipt.slot}` },
      ExpressionAttributeValues: { ':zero': 0, ':at': receipt.at },
    });
  }
}
