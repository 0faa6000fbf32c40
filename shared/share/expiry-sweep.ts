import { SHARE_LIMITS } from './limits';
import { SYSTEM_ACTOR } from './model';
import { removeShare } from './owner-shares';
import type { ShareDeps } from './share-deps';
import { nowOf } from './share-deps';

export interface SweepReport {
  /** Shares past their expiry: bytes deleted, space returned. */
  expired: number;
  /** Uploads past their deadline: aborted, reservation freed. */
  aborted: number;
  freedBytes: number;
  /** Shares that could not be removed this time (logged by the caller; the next run retries). */
  failed: { id: string; reason: string }[];
}

/**
 * Removes what is due (issue 9, expiry): shares past `expiresAt` lose their object and give
 * their space back; uploads still open past `uploadDeadline` are aborted and their reservation
 * freed. Finds them through the due markers (one Query per day, no Scan), at most
 * SHARE_LIMITS.sweepBatch a run. DynamoDB's TTL removes the items later still, as a backstop.
 */
export async function sweepDueShares(deps: ShareDeps): Promise<SweepReport> {
  const now = nowOf(deps);
  const report: SweepReport = { expired: 0, aborted: 0, freedBytes: 0, failed: [] };
  for (const share of await deps.store.listDue(now, SHARE_LIMITS.sweepBatch)) {
    const abandoned = share.state === 'uploading' && new Date(share.uploadDeadline) <= now;
    const expired = new Date(share.expiresAt) <= now;
    if (!abandoned && !expired) continue;
    try {
      const removed = await removeShare(deps, share, {
        kind: abandoned ? 'upload-aborted' : 'expired',
        actor: SYSTEM_ACTOR,
      });
      if (!removed) continue;
      if (abandoned) report.aborted += 1;
      else report.expired += 1;
      report.freedBytes += share.size;
    } catch (error) {
      report.failed.push({
        id: share.id,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return report;
}
