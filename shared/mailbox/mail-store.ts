import type { Cursor } from './cursor';
import type { AccountReads } from '../tenancy/model';
import type { FolderId, MessageRecord, MessageSummary } from './model';

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
}

export interface FolderPage {
  items: MessageSummary[];
  next?: Cursor;
}

/** The mail store port: DynamoDB in both worlds (DynamoDB Local on one machine). */
export interface MailStore extends AccountReads {
  findTenantIdByDomain(domain: string): Promise<string | undefined>;
  /**
   * One idempotent transaction: message, quota, folder counters. `quotaBytes` is the quota
   * the caller read; the store re-reads it if it changed meanwhile. A message deleted for good
   * earlier is not stored again ('duplicate'): its redelivery must not bring it back.
   */
  indexMessage(
    record: MessageRecord,
    quotaBytes: number,
    options?: IndexOptions,
  ): Promise<IndexOutcome>;
  listFolder(address: string, folder: FolderId, limit: number, after?: Cursor): Promise<FolderPage>;
  getMessage(address: string, id: string): Promise<MessageRecord | undefined>;
  /**
   * Records the owner's use of the API (for "active users" in usage reports); a no-op when a
   * record at or after `staleBefore` exists, so a busy client costs one write an hour.
   */
  markSeen(address: string, at: string, staleBefore: string): Promise<void>;
  /** A thread's messages, oldest first, at most `limit`; `more` when the thread is longer. */
  listThread(
    address: string,
    threadId: string,
    limit: number,
  ): Promise<{ items: MessageSummary[]; more: boolean }>;
}
