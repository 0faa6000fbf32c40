import type { Mailbox } from '../tenancy/model';
import type { Page } from '../tenancy/tenancy-store';
import { NoSuchShareError } from './errors';
import { isShareable, type Share, type ShareEvent } from './model';
import { shareEvent } from './share-events';
import type { ShareDeps } from './share-deps';
import { nowOf } from './share-deps';

/** Who a share operation acts for: the signed-in owner's mailbox (address and tenant). */
export type ShareOwner = Pick<Mailbox, 'address' | 'tenantId'>;

/**
 * The caller's own share, or NoSuchShareError: another user's, another tenant's and a deleted
 * share are all the same 404, so no id is confirmed to exist.
 */
export async function ownShare(
  deps: Pick<ShareDeps, 'store'>,
  owner: ShareOwner,
  id: string,
): Promise<Share> {
  const share = await deps.store.getShare(id);
  if (!share || share.owner !== owner.address || share.tenantId !== owner.tenantId) {
    throw new NoSuchShareError();
  }
  return share;
}

/** What the API shows of a share: never the bucket, key or upload id. */
export function shareView(share: Share, allowUnscannable = false) {
  return {
    id: share.id,
    name: share.name,
    size: share.size,
    contentType: share.contentType,
    state: share.state,
    shareable: isShareable(share, allowUnscannable),
    partSize: share.partSize,
    partCount: share.partCount,
    createdAt: share.createdAt,
    expiresAt: share.expiresAt,
    ...(share.state === 'uploading' && { uploadDeadline: share.uploadDeadline }),
    uploadedAt: share.uploadedAt ?? null,
    scannedAt: share.scannedAt ?? null,
    findings: (share.findings ?? []).map((finding) => ({
      check: finding.check,
      verdict: finding.verdict,
      detail: finding.detail,
    })),
    sha256: share.sha256 ?? null,
    takenDown: share.takenDown ?? false,
  };
}

export type ShareView = ReturnType<typeof shareView>;

/** The owner's shares, newest first; shares left in a tenant the owner has since left are not theirs. */
export async function listOwnShares(
  deps: Pick<ShareDeps, 'store'>,
  owner: ShareOwner,
  page: { limit: number; cursor?: string },
): Promise<Page<Share>> {
  const found = await deps.store.listOwnerShares(owner.address, page.limit, page.cursor);
  return { ...found, items: found.items.filter((share) => share.tenantId === owner.tenantId) };
}

export async function listOwnShareEvents(
  deps: Pick<ShareDeps, 'store'>,
  owner: ShareOwner,
  id: string,
  page: { limit: number; cursor?: string },
): Promise<Page<ShareEvent>> {
  await ownShare(deps, owner, id);
  return deps.store.listEvents(id, page.limit, page.cursor);
}

/**
 * Removes a share's bytes (aborting an upload still open) and then its record, giving its size
 * back to the owner's share space. Bytes first: a failure after that leaves a record whose
 * delete can be retried, never bytes nobody accounts for.
 */
export async function removeShare(
  deps: ShareDeps,
  share: Share,
  cause: { kind: 'deleted' | 'expired' | 'upload-aborted'; actor: string },
): Promise<boolean> {
  if (share.state === 'uploading') await deps.objects.abortUpload(share.key, share.uploadId);
  await deps.objects.delete(share.key);
  const at = nowOf(deps).toISOString();
  return deps.store.deleteShare(
    share,
    shareEvent(share, cause.kind, cause.actor, at, { freedBytes: share.size }),
  );
}

/** `DELETE /shares/{id}`: the owner deletes a share, uploading or not. */
export async function deleteOwnShare(
  deps: ShareDeps,
  owner: ShareOwner,
  id: string,
): Promise<void> {
  const share = await ownShare(deps, owner, id);
  if (!(await removeShare(deps, share, { kind: 'deleted', actor: owner.address }))) {
    throw new NoSuchShareError();
  }
}
