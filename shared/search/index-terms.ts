import type { IndexOutcome } from '../mailbox/mail-store';
import { keepIndexInShape } from './compaction';
import type { TermSet } from './run-builder';
import type { SearchIndexStore } from './search-index-store';

/**
 * Rounds of settling one term set: each round that does not settle it means a compaction moved
 * the index meanwhile. Past it the delivery fails and is retried (the redelivery settles it).
 */
const SETTLE_ROUNDS = 10;

/** Where a message's term set sorts: when it was indexed, then its id. */
export function termSetKey(indexedAt: Date, id: string): string {
  return `${indexedAt.toISOString()}#${id}`;
}

/** A time whose keys sort after `key` (and not before `now`). */
function timeAfter(key: string, now: Date): Date {
  const after = key ? Date.parse(key.slice(0, key.indexOf('#'))) + 1 : 0;
  return new Date(Math.max(after, now.getTime()));
}

/**
 * Makes sure a term set just written ends in the recent set or in a run, whatever it raced with.
 * Its key was chosen earlier (with the message), so a compaction may have cut past it without
 * reading it. Read after the write, the index state tells: a recent start before the key and no
 * compaction at work means every later compaction reads it; a start at or past it means it may
 * have been missed, so it moves to a fresh key after that start; a compaction at work is told
 * (`markLate`), and may not publish a start past the key before it has read the term sets again.
 */
export async function settleTermSet(
  index: SearchIndexStore,
  address: string,
  written: string,
  set: Omit<TermSet, 'key'>,
  now: Date,
): Promise<void> {
  let key = written;
  for (let round = 0; round < SETTLE_ROUNDS; round++) {
    const state = await index.readState(address);
    if (key < state.pendingFrom) {
      const fresh = termSetKey(timeAfter(state.pendingFrom, now), set.id);
      if (!(await index.rekeyTermSet(address, key, fresh, set))) return;
      key = fresh;
    } else if (!state.claim || (state.lateFrom !== undefined && state.lateFrom <= key)) {
      return;
    } else if (await index.markLate(address, state.claim.token, key)) {
      return;
    }
  }
  throw new Error('a term set could not be settled: the search index kept moving');
}

/**
 * The search side of indexing a message, once `MailStore.indexMessage` (given `searchKey`) has
 * answered: an indexed message's term set is written (outside the message's transaction: a
 * transactional write costs double), settled, and the index compacted if due; a redelivery
 * writes the term set only if the first delivery stopped before it, and settles it again; a
 * message not indexed writes nothing. Inbound mail, sent copies and imports all index through
 * this.
 */
export async function indexTerms(
  index: SearchIndexStore,
  message: { address: string; id: string; receivedAt: string; searchKey: string },
  terms: Uint32Array,
  outcome: IndexOutcome,
  now: Date,
): Promise<void> {
  const set = { id: message.id, timeline: `${message.receivedAt}#${message.id}`, terms };
  if (outcome === 'indexed') {
    await index.writeTermSet(message.address, message.searchKey, set);
    await settleTermSet(index, message.address, message.searchKey, set, now);
    await keepIndexInShape(index, message.address, now);
  } else if (outcome === 'duplicate') {
    const key = await index.ensureTermSet(message.address, termSetKey(now, message.id), set);
    if (key) await settleTermSet(index, message.address, key, set, now);
  }
}
