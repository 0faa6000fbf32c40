import type { MessageSummary } from '../mailbox/model';
import type { BuiltRun, RunInfo, TermSet } from './run-builder';

/** A compaction at work: whoever holds it writes runs; others leave the index alone. */
export interface CompactionClaim {
  token: string;
  at: string;
}

/** The index of one mailbox: its runs, where the recent set starts, and any claim. */
export interface IndexState {
  version: number;
  runs: RunInfo[];
  /** Term sets after this key are the recent set ('' when nothing was compacted yet). */
  pendingFrom: string;
  /** Numbers the next run (run ids are never reused). */
  nextRun: number;
  claim?: CompactionClaim;
  /**
   * The lowest key of a term set that landed while `claim` was held (its writer could not tell
   * whether the compaction had read it): the claim's holder may not publish a recent start at
   * or past it before it has read the term sets again (shared/search/index-terms).
   */
  lateFrom?: string;
}

export const EMPTY_INDEX_STATE: IndexState = { version: 0, runs: [], pendingFrom: '', nextRun: 1 };

/** A shard or page as read: `run` says which run wrote it (a slot is reused). */
export interface RunItem<T> {
  run: string;
  value: T;
}

/** What a query reads of a candidate: the list fields and the filters' fields, as they are now. */
export type SearchedMessage = MessageSummary & { flagged?: boolean };

/** The search index port: DynamoDB in both worlds (shared/store/dynamo-search-index). */
export interface SearchIndexStore {
  /** Writes a message's term set under `key` (after the message: shared/search/index-terms). */
  writeTermSet(address: string, key: string, set: Omit<TermSet, 'key'>): Promise<void>;
  /**
   * On a redelivery: writes the term set only if the message is indexed and its term set is
   * missing (the first delivery stopped in between), under a fresh `key` the message then
   * records. Otherwise writes nothing. Answers the key the term set is under, undefined when
   * the message is not indexed.
   */
  ensureTermSet(
    address: string,
    key: string,
    set: Omit<TermSet, 'key'>,
  ): Promise<string | undefined>;
  /**
   * Moves a term set from `old` to `fresh` (the message's `searchKey` with it); false when the
   * message no longer names `old` (purged, or moved by another writer), and nothing moved.
   */
  rekeyTermSet(
    address: string,
    old: string,
    fresh: string,
    set: Omit<TermSet, 'key'>,
  ): Promise<boolean>;
  readState(address: string): Promise<IndexState>;
  /** Takes the claim if the state is still `version`; false when it moved. */
  claim(address: string, version: number, claim: CompactionClaim): Promise<boolean>;
  /**
   * Records that a term set under `key` landed while the claim `token` holds (keeps the lowest
   * such key); false when the claim moved on, or a lower key is recorded already.
   */
  markLate(address: string, token: string, key: string): Promise<boolean>;
  /** Forgets `lateFrom`, if `token` still holds the claim (its holder reads again). */
  clearLate(address: string, token: string): Promise<boolean>;
  /**
   * Replaces runs and recent start, and drops the claim, if `token` still holds it and no term
   * set landed late at or before the new recent start (`lateFrom`).
   */
  publish(
    address: string,
    token: string,
    next: Pick<IndexState, 'runs' | 'pendingFrom' | 'nextRun'>,
  ): Promise<boolean>;
  /** Term sets with keys after `after` up to and including `upTo`, oldest first. */
  termSets(address: string, after: string, upTo: string, limit?: number): Promise<TermSet[]>;
  /** Term-set keys only, the same range (what a compaction counts before it claims). */
  termSetKeys(address: string, after: string, upTo: string, limit: number): Promise<string[]>;
  writeRun(address: string, run: BuiltRun): Promise<void>;
  /** Shards by `(run, bucket)`; a shard not there is undefined. */
  readShards(
    address: string,
    wanted: { run: RunInfo; bucket: number }[],
  ): Promise<(RunItem<Uint8Array> | undefined)[]>;
  readPages(
    address: string,
    wanted: { run: RunInfo; page: number }[],
  ): Promise<(RunItem<string[]> | undefined)[]>;
  /** The messages that still exist, by id, as they are now (moves and flags included). */
  readMessages(address: string, ids: string[]): Promise<Map<string, SearchedMessage>>;
}
