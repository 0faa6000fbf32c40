/**
 * The named limits of search (shared/search). Each bounds a cost: the index written per message,
 * the work a query may do, or the size of what the index keeps in one item.
 */
export const SEARCH_LIMITS = {
  /** Distinct terms kept per message: headers first, then body words in order of appearance. */
  maxTermsPerMessage: 1000,
  /** Terms from the headers (subject, sender, recipients, attachment names) per message. */
  maxHeaderTerms: 200,
  /** Addresses of a message whose `from:`/`to:` terms are indexed. */
  maxIndexedAddresses: 50,
  /** Body text read for terms; words past it are not indexed. */
  maxIndexedTextChars: 256 * 1024,
  /** Shorter and longer words are not indexed (nor searched). */
  minTermChars: 2,
  maxTermChars: 40,
  /** The query string `q`. */
  maxQueryChars: 500,
  /** Terms in one query (free terms and `from`/`to` together): each costs reads. */
  maxQueryTerms: 8,
  /**
   * Candidates a query looks at (reading their message items) before it answers: a page with a
   * `nextCursor` that may hold fewer hits than asked when the filters reject most of them.
   */
  maxCandidatesPerPage: 400,
} as const;

/**
 * The shape of the index (shared/search/compaction): new messages stay in the recent set (read
 * directly by every query) until `recentMessages` of them are older than `flushGraceMs`, then
 * become a run; `fanIn` runs of one level are rebuilt as one run of the next level.
 */
export const INDEX_SHAPE = {
  recentMessages: 32,
  fanIn: 8,
  /**
   * A term set younger than this is left in the recent set. Not for correctness (a term set that
   * lands behind a compaction's cut is settled by its writer: shared/search/index-terms) but for
   * cost: a term set is written a moment after its message's transaction, and one cut past
   * costs a move (three writes) or a compaction's second read. Short, so that a burst of mail
   * does not keep the recent set, which every query reads, large.
   */
  flushGraceMs: 10 * 1000,
  /** Postings bytes per shard item a run aims at (one read per term and run). */
  targetShardBytes: 1536,
  /** Entries per item of a run's message table. */
  messagesPerPage: 64,
  /**
   * A compaction that has not finished by then may be taken over: longer than the ingest
   * function's timeout, so the first one has been cut off by then.
   */
  claimTimeoutMs: 5 * 60 * 1000,
  /**
   * Runs of this level (recentMessages x fanIn^(maxLevel-1): 16,384 messages) are not merged
   * further: a bigger merge would not fit one ingest invocation. Past it a query reads one more
   * shard per term for each 16,384 messages.
   */
  maxLevel: 4,
} as const;
