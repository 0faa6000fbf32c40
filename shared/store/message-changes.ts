import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  changeSetOf,
  isLive,
  type ChangeOutcome,
  type ChangeResult,
  type MessageChangeStore,
  type MessageState,
  type Plan,
} from '../mailbox/message-state';
import type { FolderId } from '../mailbox/model';
import { readState, stateItems, type MailboxStep } from './change-log';
import { folderCounterItem, jitter, STATE_ATTEMPTS } from './folder-counters';
import { keys } from './keys';
import { transactWrite, type TransactItems } from './transact-write';

/**
 * Messages changed by one transaction at most: each is one item, and the folders they leave and
 * enter (at most one each), the mailbox and the log entry must fit DynamoDB's 100 items.
 */
export const MESSAGES_PER_TRANSACTION = 40;

const FAILED = 'ConditionalCheckFailed';

/** The fields of MessageState a change may set or remove (messageUpdate writes exactly these). */
const CHANGEABLE_FIELDS = [
  'folder',
  'unread',
  'flagged',
  'quarantined',
  'release',
  'deletedFrom',
  'deletedAt',
  'recoverable',
  'answered',
  'forwarded',
] as const satisfies readonly (keyof MessageState)[];

/** The attributes of MessageState, as a projection (several are DynamoDB reserved words). */
const STATE_FIELDS = [
  'id',
  ...CHANGEABLE_FIELDS,
  'size',
  'receivedAt',
  'threadId',
  'version',
] as const satisfies readonly (keyof MessageState)[];
const STATE_NAMES = Object.fromEntries(STATE_FIELDS.map((field, i) => [`#s${i}`, field]));

/** Recoverable items are listed on the folder index under a partition of their own. */
export const recoverableIndex = (address: string) => `MBX#${address}#RECOVERABLE`;

/** What a transaction item is, to map a failed condition back to the ids it concerns. */
type ItemRole =
  | { kind: 'message'; id: string }
  | { kind: 'folder'; folder: FolderId }
  | { kind: 'mailbox' | 'log' };

/** The update of one message item from `before` to `after`, conditioned on its version. */
function messageUpdate(
  tableName: string,
  address: string,
  before: MessageState,
  after: MessageState,
): TransactItems[number] {
  const sets: string[] = [];
  const removes: string[] = [];
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  };
  const remove = (name: string) => {
    names[`#${name}`] = name;
    removes.push(`#${name}`);
  };
  for (const field of CHANGEABLE_FIELDS) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    if (after[field] === undefined) remove(field);
    else set(field, after[field]);
  }
  set('version', (before.version ?? 0) + 1);
  const timeline = keys.timeline(after.receivedAt, after.id);
  if (isLive(after)) {
    if (!isLive(before) || before.folder !== after.folder) {
      set('GSI1PK', keys.folderIndex(address, after.folder));
      set('GSI1SK', timeline);
    }
    if (!isLive(before)) {
      set('GSI2PK', keys.threadIndex(address, after.threadId));
      set('GSI2SK', timeline);
    }
  } else if (isLive(before)) {
    // Hidden from folders and threads; listed (newest deletion first) among recoverable items.
    set('GSI1PK', recoverableIndex(address));
    set('GSI1SK', `${after.recoverable?.since}#${after.id}`);
    remove('GSI2PK');
    remove('GSI2SK');
  }
  return {
    Update: {
      TableName: tableName,
      Key: keys.message(address, after.id),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: `attribute_exists(PK) AND ${
        before.version === undefined ? 'attribute_not_exists(#version)' : '#version = :readVersion'
      }`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ...values,
        ...(before.version !== undefined && { ':readVersion': before.version }),
      },
    },
  };
}

/** Folder counter moves and mailbox totals of a set of transitions. */
function countersOf(transitions: [MessageState, MessageState][]) {
  const folders = new Map<FolderId, { total: number; unread: number }>();
  const count = (folder: FolderId, total: number, unread: number) => {
    const counter = folders.get(folder) ?? { total: 0, unread: 0 };
    folders.set(folder, { total: counter.total + total, unread: counter.unread + unread });
  };
  const usage = { usedBytes: 0, messageCount: 0, recoverableBytes: 0, recoverableCount: 0 };
  for (const [before, after] of transitions) {
    if (isLive(before)) count(before.folder, -1, before.unread ? -1 : 0);
    if (isLive(after)) count(after.folder, 1, after.unread ? 1 : 0);
    const into = isLive(after) ? 1 : 0;
    const outOf = isLive(before) ? 1 : 0;
    usage.usedBytes += (into - outOf) * after.size;
    usage.messageCount += into - outOf;
    usage.recoverableBytes -= (into - outOf) * after.size;
    usage.recoverableCount -= into - outOf;
  }
  return { folders, usage };
}

/** Message changes on DynamoDB: one conditional transaction per group of messages. */
export class DynamoMessageChanges implements MessageChangeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async changeMessages(
    address: string,
    ids: string[],
    plan: (current: MessageState) => Plan,
    now: Date,
  ): Promise<ChangeResult> {
    const outcomes = new Map<string, ChangeOutcome>();
    let state = 0;
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += MESSAGES_PER_TRANSACTION) {
      const group = unique.slice(start, start + MESSAGES_PER_TRANSACTION);
      state = await this.changeGroup(address, group, plan, now, outcomes);
    }
    if (unique.length === 0)
      state = (await readState(this.client, this.tableName, address))?.state ?? 0;
    return { outcomes, state };
  }

  /** One group, retried from fresh reads until its transaction holds; returns the state. */
  private async changeGroup(
    address: string,
    ids: string[],
    plan: (current: MessageState) => Plan,
    now: Date,
    outcomes: Map<string, ChangeOutcome>,
  ): Promise<number> {
    let pending = ids;
    for (let attempt = 0; attempt < STATE_ATTEMPTS; attempt++) {
      const mailbox = await readState(this.client, this.tableName, address);
      const current = await this.read(address, pending);
      const transitions: [MessageState, MessageState][] = [];
      for (const id of pending) {
        const message = current.get(id);
        if (!message) {
          outcomes.set(id, { status: 'no-message' });
          continue;
        }
        const next = plan(message);
        if (next instanceof Error) outcomes.set(id, { status: 'refused', error: next });
        else if (next === 'unchanged') outcomes.set(id, { status: 'unchanged', message });
        else transitions.push([message, next]);
      }
      if (!mailbox || transitions.length === 0) return mailbox?.state ?? 0;
      const { folders, usage } = countersOf(transitions);
      const step: MailboxStep = { add: usage };
      if (usage.usedBytes > 0) {
        // A restore comes back into the live quota: used + restored <= quota, as at ingest.
        step.condition = 'quotaBytes = :quota AND usedBytes <= :maxUsed';
        step.values = {
          ':quota': mailbox.quotaBytes,
          ':maxUsed': mailbox.quotaBytes - usage.usedBytes,
        };
      }
      const roles: ItemRole[] = [];
      const items: TransactItems = [];
      for (const [before, after] of transitions) {
        roles.push({ kind: 'message', id: after.id });
        items.push(messageUpdate(this.tableName, address, before, after));
      }
      const counted: FolderId[] = [];
      for (const [folder, { total, unread }] of folders) {
        if (total === 0 && unread === 0) continue;
        counted.push(folder);
        roles.push({ kind: 'folder', folder });
        items.push(folderCounterItem(this.tableName, address, folder, total, unread));
      }
      const { mailbox: mailboxItem, log: logItem } = stateItems(
        this.tableName,
        address,
        mailbox.state,
        changeSetOf(transitions, counted),
        now,
        step,
      );
      roles.push({ kind: 'mailbox' }, { kind: 'log' });
      items.push(mailboxItem, logItem);
      const { reasons } = await transactWrite(this.client, items);
      if (!reasons) {
        for (const [, after] of transitions)
          outcomes.set(after.id, { status: 'changed', message: after });
        return (mailbox.state ?? 0) + 1;
      }
      const excluded = new Set<string>();
      for (const [i, reason] of reasons.entries()) {
        const role = roles[i];
        if (reason !== FAILED || !role) continue;
        if (role.kind === 'folder') {
          // A user folder deleted (or being deleted) meanwhile: those moves cannot happen.
          for (const [, after] of transitions) {
            if (isLive(after) && after.folder === role.folder) {
              outcomes.set(after.id, { status: 'no-folder' });
              excluded.add(after.id);
            }
          }
        }
        if (role.kind === 'mailbox') {
          const again = await readState(this.client, this.tableName, address);
          if (again && again.state === mailbox.state) {
            // Same state, so the quota condition failed: the restores do not fit.
            for (const [before, after] of transitions) {
              if (!isLive(before) && isLive(after)) {
                outcomes.set(after.id, { status: 'over-quota' });
                excluded.add(after.id);
              }
            }
          }
        }
      }
      // The others are tried again from a fresh read (ids settled by the read stay settled).
      pending = transitions.map(([, after]) => after.id).filter((id) => !excluded.has(id));
      if (pending.length === 0)
        return (await readState(this.client, this.tableName, address))?.state ?? 0;
      await jitter(attempt);
    }
    throw new Error(`mailbox ${address} kept changing while changing messages; try again`);
  }

  /** The messages' states, read consistently (BatchGetItem, at most 100 keys a call). */
  private async read(address: string, ids: string[]): Promise<Map<string, MessageState>> {
    const found = new Map<string, MessageState>();
    let keysLeft: Record<string, unknown>[] = ids.map((id) => keys.message(address, id));
    for (let round = 0; keysLeft.length > 0 && round < STATE_ATTEMPTS; round++) {
      const result = await this.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: keysLeft,
              ConsistentRead: true,
              ProjectionExpression: Object.keys(STATE_NAMES).join(', '),
              ExpressionAttributeNames: STATE_NAMES,
            },
          },
        }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const message = item as MessageState;
        found.set(message.id, { ...message, unread: message.unread ?? false });
      }
      keysLeft = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<
        string,
        unknown
      >[];
      if (keysLeft.length) await jitter(round);
    }
    return found;
  }
}
