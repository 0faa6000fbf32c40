import { randomBytes } from 'node:crypto';
import type { TierLimits } from '../config/tiers';
import { SHARE_PREFIX } from '../config/resource-names';
import { sanitiseDisplayName } from '../mime/display-name';
import { truncateUtf8 } from '../mime/truncate-utf8';
import { ShareFileTooLargeError } from './errors';
import { SHARE_LIMITS } from './limits';
import type { Share } from './model';
import type { ShareOwner } from './owner-shares';
import type { ShareDeps } from './share-deps';
import { nowOf } from './share-deps';
import { shareEvent } from './share-events';

const DAY_MS = 86_400_000;

/** A file the server already holds (an attachment too large to send), to be shared. */
export interface ServerFile {
  name: string;
  contentType: string;
  content: Uint8Array;
}

/**
 * Shares a file the server holds, as POST /shares and its completion would for a browser: the
 * size reserved against the owner's share space (ShareSpaceExceeded when it does not fit), the
 * share marked uploaded (`scanning`) and only then the object written, so its object-created
 * event finds the share waiting for its scan. Like every share, it gets no download until the
 * scan finds it clean (isShareable, checked by the public page at every grant).
 */
export async function shareServerFile(
  deps: ShareDeps,
  owner: ShareOwner,
  tier: Pick<TierLimits, 'shareBytes' | 'maxShareFileBytes'>,
  file: ServerFile,
): Promise<Share> {
  const size = file.content.byteLength;
  if (size > tier.maxShareFileBytes) {
    throw new ShareFileTooLargeError(
      `The file is ${size} bytes; your tier allows ${tier.maxShareFileBytes} per file.`,
    );
  }
  const now = nowOf(deps);
  const at = now.toISOString();
  const id = randomBytes(16).toString('base64url');
  const share: Share = {
    id,
    owner: owner.address,
    tenantId: owner.tenantId,
    name: truncateUtf8(sanitiseDisplayName(file.name, 'file'), SHARE_LIMITS.maxNameBytes),
    size,
    contentType: file.contentType,
    state: 'uploading',
    bucket: deps.objects.bucket,
    key: `${SHARE_PREFIX}${owner.tenantId}/${id}`,
    // Written in one PUT by the server: no multipart upload to resume or abort.
    uploadId: '',
    partSize: size,
    partCount: 1,
    createdAt: at,
    expiresAt: new Date(now.getTime() + SHARE_LIMITS.shareLifetimeDays * DAY_MS).toISOString(),
    uploadDeadline: new Date(now.getTime() + SHARE_LIMITS.uploadWindowSeconds * 1000).toISOString(),
  };
  await deps.store.createShare(
    share,
    tier.shareBytes,
    shareEvent(share, 'created', owner.address, at, { size, name: share.name, from: 'send' }),
  );
  await deps.store.markUploaded(
    share,
    at,
    shareEvent(share, 'upload-completed', owner.address, at, { size }),
  );
  const scanning: Share = { ...share, state: 'scanning', uploadedAt: at };
  await deps.objects.put(share.key, file.content, file.contentType);
  return scanning;
}
