import type { IndexOutcome } from '../mailbox/mail-store';
import { keepIndexInShape } from './compaction';
import type { SearchIndexStore } from './search-index-store';

/** Where a message's term set sorts: when it was indexed, then its id. */
export function termSetKey(indexedAt: Date, id: string): string {
  return `${indexedAt.toISOString()}#${id}`;
}

/**
 * The search side of indexing a message, once `MailStore.indexMessage` (given `searchKey`) has
 * answered: an indexed message's term set is written (outside the message's transaction: a
 * transactional write costs double) and the index compacted if due; a redelivery writes the
 * term set only if the first delivery stopped before it; a message not indexed writes nothing.
 * Inbound mail, sent copies and imports all index through this.
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
    await keepIndexInShape(index, message.address, now);
  } else if (outcome === 'duplicate') {
    await index.ensureTermSet(message.address, termSetKey(now, message.id), set);
  }
}
