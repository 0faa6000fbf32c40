import { createHash } from 'node:crypto';
import { cursorIn } from '../mailbox/list-messages';
import { encodeCursor } from '../mailbox/cursor';
import type { Mailbox } from '../tenancy/model';
import { CandidateStream, IndexMovedError, type Candidate } from './candidate-stream';
import {
  SearchQueryTooLongError,
  SearchTermsRequiredError,
  TooManySearchTermsError,
} from './search-errors';
import type { SearchedMessage, SearchIndexStore } from './search-index-store';
import { SEARCH_LIMITS } from './search-limits';
import { fieldTerm, termHash, wordsOf } from './terms';

/** A search: free words (all must match) and filters, applied to each message as it is now. */
export interface SearchQuery {
  q?: string;
  /** An address (`carol@partner.example`) or a domain (`partner.example`). */
  from?: string;
  to?: string;
  /** A folder id (a system folder's role name, or a user folder's id). */
  folder?: string;
  /** Received at or after / before (ISO times). */
  after?: string;
  before?: string;
  hasAttachment?: boolean;
  unread?: boolean;
  flagged?: boolean;
  limit: number;
  cursor?: string;
}

export interface SearchPage {
  items: SearchedMessage[];
  nextCursor: string | null;
}

/** Reading the index again after a compaction moved it under the query. */
const MAX_INDEX_MOVES = 3;

/** The term hashes a query must all match; refused when it has none or too many. */
export function queryTerms(query: Pick<SearchQuery, 'q' | 'from' | 'to'>): number[] {
  if ((query.q ?? '').length > SEARCH_LIMITS.maxQueryChars) {
    throw new SearchQueryTooLongError(
      `The search words (q) may be at most ${SEARCH_LIMITS.maxQueryChars} characters long.`,
    );
  }
  const terms = new Set<number>();
  for (const word of wordsOf(query.q ?? '')) terms.add(termHash(word));
  if (query.from) terms.add(fieldTerm('from', query.from));
  if (query.to) terms.add(fieldTerm('to', query.to));
  if (terms.size === 0) throw new SearchTermsRequiredError();
  if (terms.size > SEARCH_LIMITS.maxQueryTerms) {
    throw new TooManySearchTermsError(
      `A search may have at most ${SEARCH_LIMITS.maxQueryTerms} terms; this one has ${terms.size}.`,
    );
  }
  return [...terms];
}

/** The list a cursor belongs to: this query and its filters, nothing else. */
function scopeOf(query: SearchQuery, terms: number[]): string {
  const { limit: _limit, cursor: _cursor, q: _q, from: _from, to: _to, ...filters } = query;
  const canonical = JSON.stringify([[...terms].sort((a, b) => a - b), filters]);
  return `search:${createHash('sha256').update(canonical).digest('hex').slice(0, 24)}`;
}

function passes(message: SearchedMessage, query: SearchQuery): boolean {
  if (query.folder !== undefined && message.folder !== query.folder) return false;
  if (query.unread !== undefined && message.unread !== query.unread) return false;
  if (query.flagged !== undefined && (message.flagged ?? false) !== query.flagged) return false;
  if (query.hasAttachment !== undefined && message.hasAttachments !== query.hasAttachment) {
    return false;
  }
  return true;
}

/**
 * One page of a mailbox's search, newest first. The index yields the messages holding every
 * term (shared/search/candidate-stream); each is then read as it is now, so a purged message is
 * never returned, and folder, unread and flagged are whatever the latest move or flag made them
 * (no index entry changes when a message is moved or flagged). At most `maxCandidatesPerPage`
 * messages are read per page: when the filters reject more, the page is shorter than `limit`
 * and `nextCursor` goes on from where it stopped.
 */
export async function searchMessages(
  store: SearchIndexStore,
  mailbox: Mailbox,
  query: SearchQuery,
): Promise<SearchPage> {
  const terms = queryTerms(query);
  const scope = scopeOf(query, terms);
  const after = cursorIn(scope, query.cursor);
  const bounds = [after?.position, query.before].filter((b): b is string => b !== undefined);
  const before = bounds.reduce((low, bound) => (bound < low ? bound : low), '\uffff');
  const window = { before, after: query.after ?? '' };
  for (let attempt = 1; ; attempt++) {
    try {
      const stream = await CandidateStream.open(store, mailbox.address, terms, window);
      return await fillPage(store, mailbox.address, stream, query, scope);
    } catch (error) {
      if (!(error instanceof IndexMovedError) || attempt >= MAX_INDEX_MOVES) throw error;
    }
  }
}

async function fillPage(
  store: SearchIndexStore,
  address: string,
  stream: CandidateStream,
  query: SearchQuery,
  scope: string,
): Promise<SearchPage> {
  const hits: SearchedMessage[] = [];
  const seen = new Set<string>();
  let examined = 0;
  let lastExamined: Candidate | undefined;
  while (hits.length <= query.limit && examined < SEARCH_LIMITS.maxCandidatesPerPage) {
    const want = Math.min(
      Math.max(query.limit + 1 - hits.length, 8),
      SEARCH_LIMITS.maxCandidatesPerPage - examined,
    );
    const candidates = (await stream.take(want)).filter((c) => !seen.has(c.id));
    if (candidates.length === 0) return { items: hits, nextCursor: null };
    const messages = await store.readMessages(
      address,
      candidates.map((c) => c.id),
    );
    for (const candidate of candidates) {
      seen.add(candidate.id);
      examined++;
      lastExamined = candidate;
      const message = messages.get(candidate.id);
      if (message && passes(message, query)) hits.push(message);
      if (hits.length > query.limit) break;
    }
  }
  if (hits.length > query.limit) {
    hits.length = query.limit;
    const last = hits[query.limit - 1] as SearchedMessage;
    const position = `${last.receivedAt}#${last.id}`;
    return { items: hits, nextCursor: encodeCursor({ scope, position, id: last.id }) };
  }
  // The page stopped at the candidate budget: go on after the last one looked at.
  const last = lastExamined as Candidate;
  return {
    items: hits,
    nextCursor: encodeCursor({ scope, position: last.timeline, id: last.id }),
  };
}

/** The page size a whole-result read asks for (the largest a client may ask for). */
const BULK_PAGE = 100;

/**
 * The ids of every message a search finds, newest first, at most `max` (the hook for a bulk
 * action on "the result of a search"): the same query and filters as a page, followed from
 * cursor to cursor. `complete` is false when more were found than `max`.
 */
export async function searchMessageIds(
  store: SearchIndexStore,
  mailbox: Mailbox,
  query: Omit<SearchQuery, 'limit' | 'cursor'>,
  max: number,
): Promise<{ ids: string[]; complete: boolean }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchMessages(store, mailbox, {
      ...query,
      limit: BULK_PAGE,
      ...(cursor && { cursor }),
    });
    for (const item of page.items) {
      if (ids.length === max) return { ids, complete: false };
      ids.push(item.id);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ids, complete: true };
}
