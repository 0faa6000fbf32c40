import { domainError } from '../errors/domain-error';

export class SearchTermsRequiredError extends domainError(
  'SearchTermsRequired',
  'A search needs at least one word (q) or a from or to address.',
) {}

export class TooManySearchTermsError extends domainError(
  'TooManySearchTerms',
  'The search has more terms than it may.',
) {}

export class SearchQueryTooLongError extends domainError(
  'SearchQueryTooLong',
  'The search words (q) are longer than they may be.',
) {}
