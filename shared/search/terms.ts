import type { Address } from '../mime/mail-parts';
import { SEARCH_LIMITS } from './search-limits';

/**
 * Words as the index knows them: case and accents ignored (NFKD, combining marks dropped),
 * letters and digits only, `minTermChars`..`maxTermChars` long. A term is stored as a 32-bit
 * FNV-1a hash: a message's term set is 4 bytes a term, and a query never needs the word back.
 * Two words with the same hash find each other's mail (about one pair in a mailbox's whole
 * vocabulary); the message items read for every hit keep that from crossing mailboxes.
 */
const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;

export function normaliseText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** FNV-1a, 32 bits, over the UTF-16 code units (every term is normalised first). */
export function termHash(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The words of `text`, in order, each once it fits the length limits (not de-duplicated). */
export function* wordsOf(text: string): Generator<string> {
  for (const match of normaliseText(text).matchAll(WORD)) {
    const word = match[0];
    if (word.length >= SEARCH_LIMITS.minTermChars && word.length <= SEARCH_LIMITS.maxTermChars) {
      yield word;
    }
  }
}

/** The field terms of `from=` and `to=`: an address, or a domain, prefixed so no word matches. */
export function fieldTerm(field: 'from' | 'to', value: string): number {
  return termHash(`\u0001${field}\u0001${value.trim().toLowerCase()}`);
}

function addressTerms(field: 'from' | 'to', address: string): number[] {
  const at = address.lastIndexOf('@');
  return at > 0
    ? [fieldTerm(field, address), fieldTerm(field, address.slice(at + 1))]
    : [fieldTerm(field, address)];
}

/** What of a message is searchable. */
export interface SearchableMessage {
  subject: string;
  from?: Address;
  to: Address[];
  cc: Address[];
  attachmentNames: string[];
  /** The plain text of the body (from its HTML when it has no text part). */
  text: string;
}

/**
 * A message's term set: sorted, distinct term hashes. Headers first (subject, sender,
 * recipients, attachment names, at most `maxHeaderTerms`), with `from:`/`to:` terms for the
 * addresses, then body words in the order they first appear, until `maxTermsPerMessage`: a
 * word first used past that point of a long body is not found.
 */
export function messageTerms(message: SearchableMessage): Uint32Array {
  const terms = new Set<number>();
  const addresses = [message.from, ...message.to, ...message.cc]
    .filter((a): a is Address => a !== undefined)
    .slice(0, SEARCH_LIMITS.maxIndexedAddresses);
  const headerText = [
    message.subject,
    ...addresses.flatMap((a) => [a.name ?? '', a.address]),
    ...message.attachmentNames,
  ].join(' ');
  for (const word of wordsOf(headerText)) {
    if (terms.size >= SEARCH_LIMITS.maxHeaderTerms) break;
    terms.add(termHash(word));
  }
  if (message.from) for (const term of addressTerms('from', message.from.address)) terms.add(term);
  for (const to of addresses.slice(message.from ? 1 : 0)) {
    for (const term of addressTerms('to', to.address)) terms.add(term);
  }
  const body = message.text.slice(0, SEARCH_LIMITS.maxIndexedTextChars);
  for (const word of wordsOf(body)) {
    if (terms.size >= SEARCH_LIMITS.maxTermsPerMessage) break;
    terms.add(termHash(word));
  }
  return Uint32Array.from(terms).sort();
}

/** True when the sorted term set holds `term` (binary search). */
export function hasTerm(sorted: Uint32Array, term: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle] as number;
    if (value === term) return true;
    if (value < term) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
