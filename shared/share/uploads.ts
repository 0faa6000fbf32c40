import { randomBytes } from 'node:crypto';
import type { TierLimits } from '../config/tiers';
import { SHARE_PREFIX } from '../config/resource-names';
import { sanitiseDisplayName } from '../mime/display-name';
import { truncateUtf8 } from '../mime/truncate-utf8';
import {
  ShareExpiryPassedError,
  ShareFileTooLargeError,
  ShareIncompleteError,
  ShareNotUploadingError,
} from './errors';
import { partCountFor, partSizeFor, SHARE_LIMITS } from './limits';
import type { Share } from './model';
import { ownShare, removeShare, type ShareOwner } from './owner-shares';
import type { ShareDeps } from './share-deps';
import { nowOf } from './share-deps';
import { shareEvent } from './share-events';
import type { PartUrl, UploadedPart } from './shared-objects';

const DAY_MS = 86_400_000;

export interface NewShare {
  name: string;
  size: number;
  contentType: string;
  /** Lower-case hex SHA-256 of the whole file; the scan checks it while reading the object. */
  sha256?: string;
  /** Earlier than the default SHARE_LIMITS.shareLifetimeDays, if the owner wants. */
  expiresAt?: Date;
  /** The request link it was uploaded through (share-links: request files). */
  requestId?: string;
}

/** The part numbers 1..n, the first `max` of them. */
const firstParts = (count: number, max: number) =>
  Array.from({ length: Math.min(count, max) }, (_, i) => i + 1);

/** A fresh, unguessable share id (128 bits, base64url). */
const newShareId = () => randomBytes(16).toString('base64url');

/**
 * `POST /shares`: checks the tier's largest file, picks the key, opens the multipart upload and
 * reserves the size against the owner's share space in one transaction (ShareSpaceExceeded when
 * it does not fit: the upload is aborted again and nothing stays behind). Answers with the part
 * size and the first part URLs.
 */
export async function startShareUpload(
  deps: ShareDeps,
  owner: ShareOwner,
  tier: Pick<TierLimits, 'shareBytes' | 'maxShareFileBytes'>,
  input: NewShare,
): Promise<{ share: Share; parts: PartUrl[] }> {
  if (input.size > tier.maxShareFileBytes) {
    throw new ShareFileTooLargeError(
      `The file is ${input.size} bytes; your tier allows ${tier.maxShareFileBytes} per file.`,
    );
  }
  const now = nowOf(deps);
  if (input.expiresAt && input.expiresAt <= now) throw new ShareExpiryPassedError();
  const longest = new Date(now.getTime() + SHARE_LIMITS.shareLifetimeDays * DAY_MS);
  const expiresAt = input.expiresAt && input.expiresAt < longest ? input.expiresAt : longest;
  const id = newShareId();
  const key = `${SHARE_PREFIX}${owner.tenantId}/${id}`;
  const partSize = partSizeFor(input.size);
  const uploadId = await deps.objects.createUpload(key, input.contentType);
  const share: Share = {
    id,
    owner: owner.address,
    tenantId: owner.tenantId,
    name: truncateUtf8(sanitiseDisplayName(input.name, 'file'), SHARE_LIMITS.maxNameBytes),
    size: input.size,
    contentType: input.contentType,
    state: 'uploading',
    bucket: deps.objects.bucket,
    key,
    uploadId,
    partSize,
    partCount: partCountFor(input.size, partSize),
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    uploadDeadline: new Date(now.getTime() + SHARE_LIMITS.uploadWindowSeconds * 1000).toISOString(),
    ...(input.sha256 && { sha256: input.sha256.toLowerCase() }),
    ...(input.requestId && { requestId: input.requestId }),
  };
  try {
    await deps.store.createShare(
      share,
      tier.shareBytes,
      shareEvent(share, 'created', owner.address, share.createdAt, {
        size: share.size,
        name: share.name,
      }),
    );
  } catch (error) {
    await deps.objects.abortUpload(key, uploadId).catch(() => undefined);
    throw error;
  }
  return {
    share,
    parts: await partUrls(
      deps,
      share,
      firstParts(share.partCount, SHARE_LIMITS.maxPartUrlsPerRequest),
    ),
  };
}

/** URLs for these parts, each bound to the exact size its part must have. */
function partUrls(deps: ShareDeps, share: Share, partNumbers: number[]): Promise<PartUrl[]> {
  return deps.objects.partUrls(
    share.key,
    share.uploadId,
    partNumbers.map((partNumber) => ({ partNumber, size: expectedPartSize(share, partNumber) })),
    SHARE_LIMITS.partUrlSeconds,
  );
}

async function uploadingShare(deps: ShareDeps, owner: ShareOwner, id: string): Promise<Share> {
  const share = await ownShare(deps, owner, id);
  if (share.state !== 'uploading') throw new ShareNotUploadingError();
  return share;
}

/**
 * `POST /shares/{id}/parts`: fresh URLs for the parts asked for (a resumed upload, or the parts
 * after the first batch). Part numbers past the share's last part are refused.
 */
export async function sharePartUrls(
  deps: ShareDeps,
  owner: ShareOwner,
  id: string,
  partNumbers: number[],
): Promise<PartUrl[]> {
  const share = await uploadingShare(deps, owner, id);
  const beyond = partNumbers.find((n) => n > share.partCount);
  if (beyond !== undefined) {
    throw new ShareIncompleteError(
      `The share has ${share.partCount} parts; there is no part ${beyond}.`,
    );
  }
  return partUrls(
    deps,
    share,
    [...new Set(partNumbers)].sort((a, b) => a - b),
  );
}

/** The size part `n` must have: partSize, but the last part holds what is left. */
function expectedPartSize(share: Share, partNumber: number): number {
  if (partNumber < share.partCount) return share.partSize;
  return share.size - share.partSize * (share.partCount - 1);
}

/** Parts S3 holds with the size they must have, and the part numbers still missing. */
function partsProgress(share: Share, held: UploadedPart[]) {
  const good = new Map<number, UploadedPart>();
  for (const part of held) {
    if (
      part.partNumber <= share.partCount &&
      part.size === expectedPartSize(share, part.partNumber)
    ) {
      good.set(part.partNumber, part);
    }
  }
  const missing: number[] = [];
  for (let n = 1; n <= share.partCount; n++) if (!good.has(n)) missing.push(n);
  return { good: [...good.values()].sort((a, b) => a.partNumber - b.partNumber), missing };
}

/**
 * `GET /shares/{id}/upload`: what the server holds of an upload, from S3's own list of parts, so
 * a client that crashed re-sends only the missing ones. A part of the wrong size counts as
 * missing (re-sending it replaces it).
 */
export async function shareUploadProgress(deps: ShareDeps, owner: ShareOwner, id: string) {
  const share = await ownShare(deps, owner, id);
  if (share.state !== 'uploading') {
    return {
      state: share.state,
      partSize: share.partSize,
      partCount: share.partCount,
      parts: [],
      missing: [],
    };
  }
  const held = await deps.objects.listParts(share.key, share.uploadId);
  // The upload is gone while the record still says uploading: a completion that did not get
  // to mark it (complete again), or the lifecycle rule's abort (the sweep frees it).
  const { good, missing } = partsProgress(share, held ?? []);
  return {
    state: share.state,
    partSize: share.partSize,
    partCount: share.partCount,
    parts: good.map((part) => ({ partNumber: part.partNumber, size: part.size })),
    missing,
  };
}

/**
 * `POST /shares/{id}/complete`: completes the upload from S3's own list of parts (never the
 * client's), checks the stored object has the declared size and moves the share to `scanning`;
 * the S3 event then drives the scan. Missing parts: ShareIncomplete, nothing changes.
 */
export async function completeShareUpload(
  deps: ShareDeps,
  owner: ShareOwner,
  id: string,
): Promise<Share> {
  const share = await uploadingShare(deps, owner, id);
  // Past its deadline an upload is the sweep's (and the lifecycle rule's) to abort: completing
  // it then would race the sweep, which removes the share whatever state it has reached.
  if (Date.parse(share.uploadDeadline) <= nowOf(deps).getTime()) {
    throw new ShareNotUploadingError(
      `The upload was not completed by ${share.uploadDeadline}; delete the share and start again.`,
    );
  }
  const held = await deps.objects.listParts(share.key, share.uploadId);
  if (held) {
    const { good, missing } = partsProgress(share, held);
    if (missing.length > 0) {
      throw new ShareIncompleteError(
        `${missing.length} of ${share.partCount} parts are missing or of the wrong size (first: ${missing[0]}).`,
      );
    }
    await deps.objects.completeUpload(share.key, share.uploadId, good);
  }
  // No upload any more: an earlier completion that failed before marking the share is finished
  // here, if its object is there (checked next); an aborted upload has none.
  const stored = await deps.objects.sizeOf(share.key);
  if (stored === undefined) {
    throw new ShareIncompleteError(
      'The upload no longer exists; delete the share and start again.',
    );
  }
  if (stored !== share.size) {
    // Cannot happen with every part checked; if S3 says otherwise the bytes are not what was
    // declared and reserved, so the share goes rather than be scanned and shared.
    await removeShare(deps, share, { kind: 'upload-aborted', actor: owner.address });
    throw new ShareIncompleteError(`The stored file has ${stored ?? 0} bytes, not ${share.size}.`);
  }
  const at = nowOf(deps).toISOString();
  const moved = await deps.store.markUploaded(
    share,
    at,
    shareEvent(share, 'upload-completed', owner.address, at, { size: share.size }),
  );
  if (!moved) throw new ShareNotUploadingError();
  return { ...share, state: 'scanning', uploadedAt: at };
}
