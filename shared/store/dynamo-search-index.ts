import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { BuiltRun, RunInfo, TermSet } from '../search/run-builder';
import {
  EMPTY_INDEX_STATE,
  type CompactionClaim,
  type IndexState,
  type RunItem,
  type SearchedMessage,
  type SearchIndexStore,
} from '../search/search-index-store';
import { conditionalUpdate } from './conditional-update';
import { ensureTermSet, putTermSet, rekeyTermSet, termsOf } from './dynamo-term-sets';
import { keys } from './keys';
import { MESSAGE_SUMMARY_FIELDS } from './table-schema';

/** DynamoDB's own bounds on one batch call. */
const BATCH_WRITE_ITEMS = 25;
const BATCH_GET_KEYS = 100;
const MAX_BATCH_ROUNDS = 10;
const TERM_SET_PREFIX = 'SRCH#T#';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Key = { PK: string; SK: string };

const MESSAGE_FIELDS = [...new Set<string>([...MESSAGE_SUMMARY_FIELDS, 'flagged'])];
const MESSAGE_NAMES = Object.fromEntries(MESSAGE_FIELDS.map((field, i) => [`#m${i}`, field]));

/** The search index on DynamoDB, in each mailbox's own partition (keys.search*). */
export class DynamoSearchIndex implements SearchIndexStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  writeTermSet(address: string, key: string, set: Omit<TermSet, 'key'>): Promise<void> {
    return putTermSet(this.client, this.tableName, address, key, set);
  }

  ensureTermSet(address: string, key: string, set: Omit<TermSet, 'key'>) {
    return ensureTermSet(this.client, this.tableName, address, key, set);
  }

  rekeyTermSet(address: string, old: string, fresh: string, set: Omit<TermSet, 'key'>) {
    return rekeyTermSet(this.client, this.tableName, address, old, fresh, set);
  }

  async readState(address: string): Promise<IndexState> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.searchState(address),
        ConsistentRead: true,
      }),
    );
    if (!Item) return EMPTY_INDEX_STATE;
    return {
      version: Item.version as number,
      runs: (Item.runs ?? []) as RunInfo[],
      pendingFrom: (Item.pendingFrom ?? '') as string,
      nextRun: (Item.nextRun ?? 1) as number,
      ...(Item.claim && { claim: Item.claim as CompactionClaim }),
      ...(Item.lateFrom && { lateFrom: Item.lateFrom as string }),
    };
  }

  claim(address: string, version: number, claim: CompactionClaim): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.searchState(address),
      UpdateExpression:
        'SET #type = :type, claim = :claim, version = :next, runs = if_not_exists(runs, :none), ' +
        'pendingFrom = if_not_exists(pendingFrom, :empty), nextRun = if_not_exists(nextRun, :one) ' +
        // Whoever claims reads the term sets afterwards: late writers so far are seen.
        'REMOVE lateFrom',
      ConditionExpression: version === 0 ? 'attribute_not_exists(PK)' : 'version = :version',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':type': 'search-state',
        ':claim': claim,
        ':next': version + 1,
        ':none': [],
        ':empty': '',
        ':one': 1,
        ...(version !== 0 && { ':version': version }),
      },
    });
  }

  publish(
    address: string,
    token: string,
    next: Pick<IndexState, 'runs' | 'pendingFrom' | 'nextRun'>,
  ): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.searchState(address),
      UpdateExpression:
        'SET runs = :runs, pendingFrom = :pendingFrom, nextRun = :nextRun ADD version :one REMOVE claim',
      // Not past a term set written late under this claim: the compaction reads again first.
      ConditionExpression:
        'claim.#token = :token AND (attribute_not_exists(lateFrom) OR lateFrom > :pendingFrom)',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: {
        ':runs': next.runs,
        ':pendingFrom': next.pendingFrom,
        ':nextRun': next.nextRun,
        ':one': 1,
        ':token': token,
      },
    });
  }

  markLate(address: string, token: string, key: string): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.searchState(address),
      UpdateExpression: 'SET lateFrom = :key',
      ConditionExpression:
        'claim.#token = :token AND (attribute_not_exists(lateFrom) OR lateFrom > :key)',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: { ':key': key, ':token': token },
    });
  }

  clearLate(address: string, token: string): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.searchState(address),
      UpdateExpression: 'REMOVE lateFrom',
      ConditionExpression: 'claim.#token = :token',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: { ':token': token },
    });
  }

  private async queryTermSets(
    address: string,
    after: string,
    upTo: string,
    limit: number | undefined,
    projection: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
          ExpressionAttributeValues: {
            ':pk': keys.searchState(address).PK,
            ':low': `${TERM_SET_PREFIX}${after}`,
            ':high': `${TERM_SET_PREFIX}${upTo}`,
          },
          // Read right after the message's write: a new message is found at once.
          ConsistentRead: true,
          ...(projection && { ProjectionExpression: projection }),
          ...(limit !== undefined && { Limit: limit + 1 - items.length }),
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      // BETWEEN includes `after` itself; the range is after it.
      const fresh = (result.Items ?? []).filter((item) => item.SK !== `${TERM_SET_PREFIX}${after}`);
      items.push(...fresh);
      startKey = result.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return limit === undefined ? items : items.slice(0, limit);
  }

  async termSets(address: string, after: string, upTo: string, limit?: number) {
    const items = await this.queryTermSets(address, after, upTo, limit, undefined);
    return items.map((item) => ({
      key: (item.SK as string).slice(TERM_SET_PREFIX.length),
      id: item.id as string,
      timeline: item.t as string,
      terms: termsOf(item.terms as Uint8Array | undefined),
    }));
  }

  async termSetKeys(address: string, after: string, upTo: string, limit: number) {
    const items = await this.queryTermSets(address, after, upTo, limit, 'SK');
    return items.map((item) => (item.SK as string).slice(TERM_SET_PREFIX.length));
  }

  async writeRun(address: string, run: BuiltRun): Promise<void> {
    const { id, level, slot } = run.info;
    const items = [
      ...run.shards.map((p, bucket) => ({
        ...keys.searchShard(address, level, slot, bucket),
        type: 'search-shard',
        run: id,
        p,
      })),
      ...run.pages.map((t, page) => ({
        ...keys.searchPage(address, level, slot, page),
        type: 'search-page',
        run: id,
        t,
      })),
    ];
    for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS) {
      let requests = items
        .slice(i, i + BATCH_WRITE_ITEMS)
        .map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round >= MAX_BATCH_ROUNDS) throw new Error('the search index write was throttled');
        if (round > 0) await sleep(50 * 2 ** round);
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  /** Items by key, in the order asked (undefined where there is none). */
  private async batchGet(
    wanted: Key[],
    projection: string,
    names?: Record<string, string>,
  ): Promise<(Record<string, unknown> | undefined)[]> {
    const found = new Map<string, Record<string, unknown>>();
    // Two terms can share a run's shard, and BatchGetItem refuses a key asked twice.
    const unique = [...new Map(wanted.map((key) => [`${key.PK}|${key.SK}`, key])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) {
      let pending: Key[] = unique.slice(i, i + BATCH_GET_KEYS);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_BATCH_ROUNDS) throw new Error('the search index read was throttled');
        if (round > 0) await sleep(50 * 2 ** round);
        const result = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ProjectionExpression: `PK, SK, ${projection}`,
                ...(names && { ExpressionAttributeNames: names }),
              },
            },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          found.set(`${item.PK as string}|${item.SK as string}`, item);
        }
        pending = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
      }
    }
    return wanted.map((key) => found.get(`${key.PK}|${key.SK}`));
  }

  async readShards(address: string, wanted: { run: RunInfo; bucket: number }[]) {
    const items = await this.batchGet(
      wanted.map(({ run, bucket }) => keys.searchShard(address, run.level, run.slot, bucket)),
      '#run, p',
      { '#run': 'run' },
    );
    return items.map((item): RunItem<Uint8Array> | undefined =>
      item ? { run: item.run as string, value: item.p as Uint8Array } : undefined,
    );
  }

  async readPages(address: string, wanted: { run: RunInfo; page: number }[]) {
    const items = await this.batchGet(
      wanted.map(({ run, page }) => keys.searchPage(address, run.level, run.slot, page)),
      '#run, t',
      { '#run': 'run' },
    );
    return items.map((item): RunItem<string[]> | undefined =>
      item ? { run: item.run as string, value: item.t as string[] } : undefined,
    );
  }

  async readMessages(address: string, ids: string[]): Promise<Map<string, SearchedMessage>> {
    const unique = [...new Set(ids)];
    const items = await this.batchGet(
      unique.map((id) => keys.message(address, id)),
      Object.keys(MESSAGE_NAMES).join(', '),
      MESSAGE_NAMES,
    );
    const found = new Map<string, SearchedMessage>();
    items.forEach((item, i) => {
      if (!item) return;
      const { PK: _pk, SK: _sk, ...message } = item;
      found.set(unique[i] as string, message as unknown as SearchedMessage);
    });
    return found;
  }
}
