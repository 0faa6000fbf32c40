import type { ShareLink } from './link-model';

/**
 * `whileScanning`: the link may be made while the share is still being scanned (sending mail
 * with a file too large to attach, issue 10); it opens only once the scan found it clean, as
 * the grant checks the share every time.
 */
export interface LinkCreation {
  whileScanning?: boolean;
}

/**
 * The links port (DynamoShareLinks in shared/store). Conditions in the table, not reads here,
 * decide every race: a grant, a revoke and a takedown are each one conditional write.
 */
export interface ShareLinkStore {
  /**
   * Records a new link (its token-hash item and the owner's handle beside the share) in one
   * transaction that also checks the share is still shareable; false if it is not.
   */
  createLink(link: ShareLink, options?: LinkCreation): Promise<boolean>;
  /** The link under a token's hash, read strongly consistent; undefined when none. */
  getByTokenHash(tokenHash: string): Promise<ShareLink | undefined>;
  /** A link of a share by its id (the owner's handle). */
  getById(shareId: string, linkId: string): Promise<ShareLink | undefined>;
  /** Every link of a share, oldest first. */
  listByShare(shareId: string): Promise<ShareLink[]>;
  /**
   * The grant: ONE transaction that counts a download only if `downloads < maxDownloads`, the
   * link is not revoked and not expired at `now`, and the share is clean (or unscannable, for a
   * link made under a policy that shares those), not taken down and its checksum (when
   * declared) matched. False when any of that failed.
   */
  grant(
    link: Pick<ShareLink, 'tokenHash' | 'shareId' | 'allowUnscannable'>,
    now: Date,
  ): Promise<boolean>;
  /** Marks the link's first notice sent; true only for the one call that did. */
  claimFirstNotice(tokenHash: string, now: Date): Promise<boolean>;
  /** Marks the link's expiry recorded in the audit trail; true only for the one call that did. */
  claimExpiryNotice(tokenHash: string, now: Date): Promise<boolean>;
  /** Revokes the link for new grants; false if it was already revoked (or is gone). */
  revoke(link: Pick<ShareLink, 'tokenHash'>, now: Date): Promise<boolean>;
  /** Moves the link's expiry (within the tier, checked by the caller); false if revoked or gone. */
  extend(link: Pick<ShareLink, 'tokenHash'>, expiresAt: string): Promise<boolean>;
}
