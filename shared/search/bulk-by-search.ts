import { BULK_LIMITS, bulkChange, type BulkAction } from '../mailbox/message-actions';
import type { MessageChangeStore } from '../mailbox/message-state';
import type { Mailbox } from '../tenancy/model';
import type { SearchIndexStore } from './search-index-store';
import { searchMessageIds, type SearchQuery } from './search-messages';

/**
 * One action on the result of a search in the caller's own mailbox: its hits, newest first, at
 * most `BULK_LIMITS.maxIds` of them, each reported as a bulk by ids reports it. `truncated`
 * says more matched: the client repeats the request (a move or a delete takes the acted-on
 * messages out of a folder-filtered result, a flag out of a flag-filtered one).
 */
export async function bulkChangeBySearch(
  deps: { searchIndex: SearchIndexStore; messages: MessageChangeStore },
  mailbox: Mailbox,
  query: Omit<SearchQuery, 'limit' | 'cursor'>,
  action: BulkAction,
  statusOf: (error: unknown) => { status: number; code: string },
) {
  const hits = await searchMessageIds(deps.searchIndex, mailbox, query, BULK_LIMITS.maxIds);
  const request = { ...action, ids: hits.ids };
  const result = await bulkChange(deps.messages, mailbox.address, request, statusOf);
  return { ...result, truncated: !hits.complete };
}
