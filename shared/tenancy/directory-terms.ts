import type { Mailbox } from './model';

/** Directory partitions are keyed by this many leading characters of a term. */
export const DIRECTORY_PREFIX_CHARS = 2;
/** Terms per user per scope: full name, last name, address. Slots are fixed, so no read is needed to replace them. */
export const DIRECTORY_SLOTS = 3;
export const DIRECTORY_SCOPES = ['tenant', 'national'] as const;
export type DirectoryScope = (typeof DIRECTORY_SCOPES)[number];

/** What the directory shows of a user. */
export interface DirectoryView {
  address: string;
  displayName: string;
  organisation: string;
  jobTitle?: string;
}

/** One searchable term of one user in one scope: a GSI3 item. */
export interface DirectoryEntry {
  scope: DirectoryScope;
  slot: number;
  partition: string;
  sort: string;
  view: DirectoryView;
}

/**
 * Search is case- and accent-insensitive ("Jönsson" is found by "jons"). Only characters that
 * can appear in names and addresses survive, so `#` never reaches a key.
 */
export function normaliseTerm(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9@._' -]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function directoryPartition(scope: DirectoryScope, tenantId: string, term: string): string {
  const prefix = term.slice(0, DIRECTORY_PREFIX_CHARS);
  return scope === 'tenant' ? `DIR#tenant#${tenantId}#${prefix}` : `DIR#national#${prefix}`;
}

function termsOf(mailbox: Pick<Mailbox, 'address' | 'displayName'>): string[] {
  const name = normaliseTerm(mailbox.displayName);
  const words = name.split(' ').filter(Boolean);
  const terms = [name, words.length > 1 ? (words.at(-1) ?? '') : '', mailbox.address];
  return [...new Set(terms.filter((term) => term.length >= DIRECTORY_PREFIX_CHARS))];
}

/**
 * The directory entries an active user has (a leaver has none). Written in the same transaction
 * as the change that causes them, so the directory never shows someone who is not there.
 */
export function directoryEntriesOf(
  mailbox: Pick<Mailbox, 'address' | 'displayName' | 'jobTitle' | 'tenantId' | 'status'>,
  organisation: string,
): DirectoryEntry[] {
  if (mailbox.status !== 'active') return [];
  const view: DirectoryView = {
    address: mailbox.address,
    displayName: mailbox.displayName,
    organisation,
    ...(mailbox.jobTitle && { jobTitle: mailbox.jobTitle }),
  };
  const terms = termsOf(mailbox).slice(0, DIRECTORY_SLOTS);
  return DIRECTORY_SCOPES.flatMap((scope) =>
    terms.map((term, slot) => ({
      scope,
      slot,
      partition: directoryPartition(scope, mailbox.tenantId, term),
      sort: `${term}#${mailbox.address}`,
      view,
    })),
  );
}
