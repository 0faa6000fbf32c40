import type { Page } from '../tenancy/tenancy-store';
import type { Finding } from '../scan/verdict';
import type { Share, ShareEvent, ShareVerdictState } from './model';

/**
 * The share port (DynamoShareStore in shared/store). Every method that changes more than one
 * item does so in one transaction; conditions there, not reads here, decide races.
 */
export interface ShareStore {
  /**
   * Reserves `share.size` against the owner's share space and records the share, its due marker
   * (the expiry sweep's index), its tenant listing entry and its `created` event, in one
   * transaction: `shareBytesUsed + size <= allowedBytes` on the owner's mailbox item.
   * ShareSpaceExceededError when it would not fit (nothing is written then).
   */
  createShare(share: Share, allowedBytes: number, event: ShareEvent): Promise<void>;
  getShare(id: string): Promise<Share | undefined>;
  /** The owner's shares, newest first. */
  listOwnerShares(owner: string, limit: number, cursor?: string): Promise<Page<Share>>;
  /** A tenant's shares, newest first (for the tenant admin; share-links). */
  listTenantShares(tenantId: string, limit: number, cursor?: string): Promise<Page<Share>>;
  /**
   * `uploading` → `scanning`, and the due marker moves from the upload deadline to the share's
   * expiry; false if the share was not uploading any more.
   */
  markUploaded(share: Share, at: string, event: ShareEvent): Promise<boolean>;
  /** `scanning` → a verdict; false if the share was not scanning (a redelivered S3 event). */
  recordVerdict(
    share: Share,
    verdict: { state: ShareVerdictState; findings: Finding[]; scannedSha256?: string; at: string },
    event: ShareEvent,
  ): Promise<boolean>;
  /** Marks the share taken down (share-links); false if it is gone. */
  takeDown(share: Share, by: string, at: string, event: ShareEvent): Promise<boolean>;
  /**
   * Deletes the share, its due marker and listing entry, and gives its size back to the owner's
   * share space, in one transaction; false if it was already gone (a second delete, the sweep).
   * The audit trail stays (TTL) with `event` appended.
   */
  deleteShare(share: Share, event: ShareEvent): Promise<boolean>;
  /** Shares whose due time (upload deadline, then expiry) is at or before `now`, oldest first. */
  listDue(now: Date, limit: number): Promise<Share[]>;
  /** Appends to the audit trail; use appendShareEvent. */
  putEvent(share: Pick<Share, 'id' | 'expiresAt'>, event: ShareEvent): Promise<void>;
  /** The audit trail, oldest first. */
  listEvents(shareId: string, limit: number, cursor?: string): Promise<Page<ShareEvent>>;
}
