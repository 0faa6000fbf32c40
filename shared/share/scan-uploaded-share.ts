import type { AttachmentPolicy } from '../scan/attachment-policy';
import type { VirusScanner } from '../scan/virus-scanner';
import { SYSTEM_ACTOR } from './model';
import { scanSharedFile } from './scan-share';
import type { ShareDeps } from './share-deps';
import { nowOf } from './share-deps';
import { shareEvent } from './share-events';

export interface ShareScanDeps extends ShareDeps {
  /** The tenant's attachment policy (defaults merged with its overrides). */
  policyFor(tenantId: string): Promise<AttachmentPolicy>;
  scanner?: VirusScanner;
}

/**
 * What became of one object-created event: `scanned` (verdict recorded), `not-ready` (the share
 * is still `uploading`: its completion has not committed yet, so the event must come again),
 * `ignored` (no such share any more, or already scanned: a redelivered event).
 */
export type ScanOutcome = 'scanned' | 'not-ready' | 'ignored';

/** The share an object of the share bucket belongs to: its key is `shares/<tenantId>/<id>`. */
export function shareIdOfKey(key: string): string | undefined {
  const match = /^shares\/[^/]+\/([A-Za-z0-9_-]+)$/.exec(key);
  return match?.[1];
}

/**
 * The scan function's one job (issue 9): stream the uploaded object through the checks and
 * record the verdict, on the share and in its audit trail, in one transaction. An object that
 * is not the size the share declared (replaced behind our back) is never clean.
 */
export async function scanUploadedShare(deps: ShareScanDeps, key: string): Promise<ScanOutcome> {
  const id = shareIdOfKey(key);
  if (!id) return 'ignored';
  const share = await deps.store.getShare(id);
  if (!share || share.key !== key) return 'ignored';
  if (share.state === 'uploading') return 'not-ready';
  if (share.state !== 'scanning') return 'ignored';
  const policy = await deps.policyFor(share.tenantId);
  const result = await scanSharedFile(share, await deps.objects.read(share.key), {
    policy,
    ...(deps.scanner && { scanner: deps.scanner }),
  });
  const findings = [...result.findings];
  if (result.bytes !== share.size) {
    findings.push({
      source: 'content',
      verdict: 'blocked',
      check: 'size-mismatch',
      detail: `the stored file has ${result.bytes} bytes, not the ${share.size} declared`,
    });
  }
  const state = findings.length === result.findings.length ? result.state : 'infected';
  const at = nowOf(deps).toISOString();
  await deps.store.recordVerdict(
    share,
    { state, findings, scannedSha256: result.sha256, at },
    shareEvent(share, 'scanned', SYSTEM_ACTOR, at, {
      state,
      findings: findings.map((f) => f.check).join(',') || 'none',
    }),
  );
  return 'scanned';
}
