import type { Cursor } from './cursor';
import type { AccountReads } from '../tenancy/model';
import type { FolderId, MessageRecord, MessageSummary } from './model';
import type { StoredObjects } from './stored-objects';

/** What indexing a message for one recipient did. */
export type IndexOutcome =
  /** Stored; quota and folder counters updated. */
  | 'indexed'
  /** Already stored (a redelivered notification): nothing changed. */
  | 'duplicate'
  /** Not stored: the mailbox would pass its quota. */
  | 'over-quota'
  /** Not stored: no such mailbox. */
  | 'no-mailbox';

/** How a message is indexed beyond the defaults. */
export interface IndexOptions {
  /**
   * False for system notices (shared/quota): the message is stored without a quota condition
   * and charges nothing, so a mailbox already over its quota still receives the news. The
   * mailbox must still exist. Default true.
   */
  chargeQuota?: boolean;
  /**
   * The objects of the SES message the item refers to; the same transaction counts the
   * reference. Default: the record's raw message and one part per listed attachment (ingest
   * passes it, since a long attachment list may have moved off the item).
   */
  objects?: StoredObjects;
  /**
   * Where the message's term set is (shared/search/index-terms termSetKey): recorded on the
   * message, so that deleting it for good deletes its term set too. The caller writes the term
   * set after the message (shared/search/index-terms); without it the message is not searchable.
   */
  searchKey?: string;
}

/** Where a page of an index ends: what a cursor carries besides the list it belongs to. */
export type PagePosition = Omit<Cursor, 'scope'>;

/** One page of a folder or a thread; `next` when the list goes on after it. */
export interface SummaryPage {
  items: MessageSummary[];
  next?: PagePosition;
}

/** The mail store port: DynamoDB in both worlds (DynamoDB Local on one machine). */
export interface MailStore extends AccountReads {
  findTenantIdByDomain(domain: string): Promise<string | undefined>;
  /**
   * One idempotent transaction: message, quota, folder counters. `quotaBytes` is the quota
   * the caller read; the store re-reads it if it changed meanwhile. A message deleted for good
   * earlier is not stored again ('duplicate'): its redelivery must not bring it back; nor is
   * one whose objects were purged (every recipient had deleted or refused it).
   */
  indexMessage(
    record: MessageRecord,
    quotaBytes: number,
    options?: IndexOptions,
  ): Promise<IndexOutcome>;
  /** A folder's messages, newest first: `limit` of them unless the folder ends first. */
  listFolder(
    address: string,
    folder: FolderId,
    limit: number,
    after?: PagePosition,
  ): Promise<SummaryPage>;
  /**
   * A folder's messages received before `before`, oldest first (the retention sweep: a key
   * condition on the folder index, so it reads only what may be due).
   */
  listFolderReceivedBefore(
    address: string,
    folder: FolderId,
    before: string,
    limit: number,
    after?: PagePosition,
  ): Promise<SummaryPage>;
  getMessage(address: string, id: string): Promise<MessageRecord | undefined>;
  /**
   * Records the owner's use of the API (for "active users" in usage reports); a no-op when a
   * record at or after `staleBefore` exists, so a busy client costs one write an hour.
   */
  markSeen(address: string, at: string, staleBefore: string): Promise<void>;
  /** A thread's messages, oldest first: `limit` of them unless the thread ends first. */
  listThread(
    address: string,
    threadId: string,
    limit: number,
    after?: PagePosition,
  ): Promise<SummaryPage>;
}
