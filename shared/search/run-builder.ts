import { encodeShards } from './postings';
import { INDEX_SHAPE } from './search-limits';

/** One message's entry in the index: its term set, as written with the message. */
export interface TermSet {
  /** Where the term set sorts: `<indexedAt>#<id>`, the order runs are cut in. */
  key: string;
  id: string;
  /** `<receivedAt>#<id>`, the order results are given in (newest first). */
  timeline: string;
  terms: Uint32Array;
}

/** A run of the index as the state item lists it. */
export interface RunInfo {
  /** Unique for ever (`<level>.<number>`); every shard and page of the run carries it. */
  id: string;
  level: number;
  /** Where its items are: a level has `fanIn` slots, reused once their run is merged. */
  slot: number;
  /** How many shards its postings are split into (a power of two). */
  buckets: number;
  /** Messages in it; ordinal 0 is the newest. */
  count: number;
  /** The term-set keys it covers: after `from`, up to and including `to`. */
  from: string;
  to: string;
  /** The timelines of its newest and oldest messages. */
  newest: string;
  oldest: string;
}

export interface BuiltRun {
  info: RunInfo;
  shards: Uint8Array[];
  /** The timelines of its messages, `messagesPerPage` a page, newest first. */
  pages: string[][];
}

/**
 * A run from term sets: messages ordered newest first (ordinal = position), postings grouped by
 * term and split into shards. A message seen twice (a redelivery that wrote a second term set
 * before finding the message indexed) counts once.
 */
export function buildRun(
  termSets: TermSet[],
  where: Pick<RunInfo, 'id' | 'level' | 'slot' | 'from' | 'to'>,
): BuiltRun {
  const byId = new Map<string, TermSet>();
  for (const termSet of termSets) if (!byId.has(termSet.id)) byId.set(termSet.id, termSet);
  const messages = [...byId.values()].sort((a, b) => (a.timeline < b.timeline ? 1 : -1));
  const postings = new Map<number, number[]>();
  messages.forEach((message, ordinal) => {
    for (const term of message.terms) {
      const list = postings.get(term);
      if (list) list.push(ordinal);
      else postings.set(term, [ordinal]);
    }
  });
  const shards = encodeShards(postings, INDEX_SHAPE.targetShardBytes);
  const timelines = messages.map((message) => message.timeline);
  const pages: string[][] = [];
  for (let i = 0; i < timelines.length; i += INDEX_SHAPE.messagesPerPage) {
    pages.push(timelines.slice(i, i + INDEX_SHAPE.messagesPerPage));
  }
  return {
    info: {
      ...where,
      buckets: shards.length,
      count: messages.length,
      newest: timelines[0] ?? '',
      oldest: timelines[timelines.length - 1] ?? '',
    },
    shards,
    pages,
  };
}
