import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BlobStore } from '@shared/blob/blob-store';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import type { Share, ShareVerdictState } from '@shared/share/model';
import { shareEvent } from '@shared/share/share-events';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';

const DAY_MS = 86_400_000;

export interface ShareFixture {
  store: DynamoShareStore;
  share: Share;
  bytes: Buffer;
}

/**
 * A share whose bytes are in the bucket and whose scan has given `verdict` (clean by default),
 * written through the share store as the upload and scan functions write it.
 */
export async function scannedShare(
  documents: DynamoDBDocumentClient,
  tableName: string,
  blobs: BlobStore,
  options: {
    owner: string;
    tenantId: string;
    bucket: string;
    name?: string;
    bytes?: Buffer;
    contentType?: string;
    verdict?: ShareVerdictState;
  },
): Promise<ShareFixture> {
  const store = new DynamoShareStore(documents, tableName);
  const bytes = options.bytes ?? randomBytes(64 * 1024);
  const id = randomBytes(12).toString('hex');
  const now = new Date();
  const share: Share = {
    id,
    owner: options.owner,
    tenantId: options.tenantId,
    name: options.name ?? 'discharge-summary.pdf',
    size: bytes.length,
    contentType: options.contentType ?? 'application/pdf',
    state: 'uploading',
    bucket: options.bucket,
    key: `shares/${options.tenantId}/${id}`,
    uploadId: 'fixture',
    partSize: bytes.length,
    partCount: 1,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 30 * DAY_MS).toISOString(),
    uploadDeadline: new Date(now.getTime() + DAY_MS).toISOString(),
  };
  await store.createShare(
    share,
    DEFAULT_TIERS.premium.shareBytes,
    shareEvent(share, 'created', share.owner, share.createdAt),
  );
  await blobs.put(options.bucket, share.key, bytes, share.contentType);
  const at = new Date().toISOString();
  await store.markUploaded(share, at, shareEvent(share, 'upload-completed', 'system', at));
  const scanning: Share = { ...share, state: 'scanning', uploadedAt: at };
  const verdict = options.verdict ?? 'clean';
  await store.recordVerdict(
    scanning,
    { state: verdict, findings: [], at },
    shareEvent(share, 'scanned', 'system', at, { state: verdict }),
  );
  return { store, share: { ...scanning, state: verdict, scannedAt: at }, bytes };
}
