import type { Caller } from '../identity/caller';
import {
  DIRECTORY_PREFIX_CHARS,
  directoryPartition,
  normaliseTerm,
  type DirectoryScope,
  type DirectoryView,
} from './directory-terms';
import type { TenancyStore } from './tenancy-store';

/** A search term shorter than the partition prefix could not pick one partition. */
export const MIN_QUERY_CHARS = DIRECTORY_PREFIX_CHARS;

export interface DirectoryQuery {
  q: string;
  scope: DirectoryScope;
  limit: number;
  cursor?: string;
}

/**
 * Active users whose name, last name or address starts with `q`, in the caller's tenant or in
 * every tenant. One Query on one GSI3 partition with begins_with and a Limit: the cost follows
 * the page size, never the directory's size. A user matching on two terms shows once per page.
 */
export async function searchDirectory(
  store: Pick<TenancyStore, 'searchDirectory'>,
  caller: Caller,
  query: DirectoryQuery,
): Promise<{ items: DirectoryView[]; nextCursor: string | null }> {
  const term = normaliseTerm(query.q);
  const partition = directoryPartition(query.scope, caller.tenantId, term);
  const page = await store.searchDirectory(partition, term, query.limit, query.cursor);
  const seen = new Set<string>();
  const items = page.items.filter((view) => !seen.has(view.address) && seen.add(view.address));
  return { items, nextCursor: page.next ?? null };
}
