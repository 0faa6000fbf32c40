import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChangeSet, LoggedChange } from '../mailbox/changes';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import type { TransactItems } from './transact-write';

/**
 * The change log (GET /mailboxes/me/changes). A mailbox's state is its `changes` counter; every
 * transaction that changes its messages or folders moves it from n to n + 1 (conditioned on n,
 * so no two transactions take the same number) and puts one log entry `CHANGE#<n + 1>` with the
 * ids it created, updated and destroyed. Entries are consecutive, so a gap means expired:
 * answered 410. Bounded by TTL (CHANGE_LOG_LIMITS.keptDays), not by count: a busy mailbox of
 * 500 changes a day keeps 15,000 small items.
 */
export const CHANGE_LOG_LIMITS = {
  /** How long an entry is kept (DynamoDB TTL); older states answer 410. */
  keptDays: 30,
} as const;

const STATE_DIGITS = 12;

export const changeKey = (address: string, state: number) => ({
  PK: keys.mailbox(address).PK,
  SK: `CHANGE#${String(state).padStart(STATE_DIGITS, '0')}`,
});

/** What the mailbox item of one transaction adds or checks besides the state. */
export interface MailboxStep {
  /** `ADD` amounts (usedBytes, messageCount, …); negative to subtract. */
  add?: Record<string, number>;
  /** Further condition on the mailbox item (its values in `values`). */
  condition?: string;
  values?: Record<string, unknown>;
}

/**
 * The two items every mailbox transaction carries: the mailbox (state n ▶ n + 1, conditioned on
 * n, plus `step`), then the log entry of n + 1. `state` is the counter as read (undefined on a
 * mailbox that never changed, i.e. 0).
 */
export function stateItems(
  tableName: string,
  address: string,
  state: number | undefined,
  change: ChangeSet,
  now: Date,
  step: MailboxStep = {},
): { mailbox: MailboxUpdate; log: TransactItems[number] } {
  const next = (state ?? 0) + 1;
  const adds = Object.entries(step.add ?? {}).filter(([, by]) => by !== 0);
  const addValues = Object.fromEntries(adds.map(([, by], i) => [`:add${i}`, by]));
  const conditions = [
    'attribute_exists(PK)',
    state === undefined ? 'attribute_not_exists(changes)' : 'changes = :state',
    ...(step.condition ? [step.condition] : []),
  ];
  const entry: LoggedChange = { state: next, at: now.toISOString(), ...change };
  return {
    mailbox: {
      Update: {
        TableName: tableName,
        Key: keys.mailbox(address),
        UpdateExpression:
          'SET changes = :next' +
          (adds.length ? ` ADD ${adds.map(([name], i) => `${name} :add${i}`).join(', ')}` : ''),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeValues: {
          ':next': next,
          ...(state !== undefined && { ':state': state }),
          ...addValues,
          ...step.values,
        },
      },
    },
    log: {
      Put: {
        TableName: tableName,
        Item: {
          ...changeKey(address, next),
          type: 'change',
          ...entry,
          [TABLE_SCHEMA.ttlAttribute]:
            Math.floor(now.getTime() / 1000) + CHANGE_LOG_LIMITS.keptDays * 24 * 3600,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

/** The mailbox item's update in a transaction (its expression may be extended by the caller). */
export interface MailboxUpdate {
  Update: {
    TableName: string;
    Key: Record<string, string>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  };
}

/** The mailbox's state (its change counter), read consistently; undefined when no mailbox. */
export async function readState(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<{ state: number | undefined; quotaBytes: number; usedBytes: number } | undefined> {
  const result = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.mailbox(address),
      ProjectionExpression: 'changes, quotaBytes, usedBytes',
      ConsistentRead: true,
    }),
  );
  if (!result.Item) return undefined;
  return {
    state: result.Item.changes as number | undefined,
    quotaBytes: (result.Item.quotaBytes as number | undefined) ?? 0,
    usedBytes: (result.Item.usedBytes as number | undefined) ?? 0,
  };
}

/** Log entries after `since`, oldest first, at most `limit`; expired ones are left out. */
export async function readChangesAfter(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  since: number,
  limit: number,
  now: Date,
): Promise<LoggedChange[]> {
  const result = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :after AND :last',
      ExpressionAttributeValues: {
        ':pk': keys.mailbox(address).PK,
        ':after': changeKey(address, since + 1).SK,
        ':last': changeKey(address, 10 ** STATE_DIGITS - 1).SK,
      },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // TTL deletes lazily (up to days late): an expired entry counts as gone already.
  return (result.Items ?? [])
    .filter((item) => ((item[TABLE_SCHEMA.ttlAttribute] as number) ?? Infinity) > nowSeconds)
    .map((item) => {
      const { state, at, messages, folders } = item as LoggedChange;
      return { state, at, ...(messages && { messages }), ...(folders && { folders }) };
    });
}

/** The change log's reader port (shared/mailbox/changes) on DynamoDB. */
export class DynamoChangeLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async readState(address: string): Promise<number | undefined> {
    return (await readState(this.client, this.tableName, address))?.state;
  }

  readChangesAfter(address: string, since: number, limit: number): Promise<LoggedChange[]> {
    return readChangesAfter(this.client, this.tableName, address, since, limit, this.clock());
  }
}
