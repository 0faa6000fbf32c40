import { randomBytes } from 'node:crypto';
import type { Page } from '../tenancy/tenancy-store';
import { REPORT_ATTEMPTS, takeAll, type AttemptLimiter } from './attempt-limits';
import type { PublicClient } from './link-deps';
import { linkState, TooManyReportsError } from './link-model';
import type { ShareLinkStore } from './link-store';
import { hashLinkToken, isWellFormedToken } from './link-token';
import { PUBLIC_ACTOR } from './model';
import { appendShareEvent } from './share-events';
import type { ShareStore } from './share-store';

/** The longest reason a report keeps, in characters. */
export const MAX_REPORT_REASON_LENGTH = 1000;

/** An abuse report of a shared file, for its tenant's admins. */
export interface ShareReport {
  id: string;
  shareId: string;
  tenantId: string;
  linkId: string;
  at: string;
  reason: string;
  clientAddress: string;
  userAgent: string;
  /** When the tenant's admins were told (share-sweep, shared/share/report-notices). */
  notifiedAt?: string;
}

/** The reports port (DynamoShareReports): kept beside the share, listed per tenant. */
export interface ShareReportStore {
  putReport(report: ShareReport, retainUntil: string): Promise<void>;
  /** A tenant's reports, newest first. */
  listTenantReports(tenantId: string, limit: number, cursor?: string): Promise<Page<ShareReport>>;
}

export interface ReportDeps {
  shares: Pick<ShareStore, 'getShare' | 'putEvent'>;
  links: Pick<ShareLinkStore, 'getByTokenHash'>;
  reports: ShareReportStore;
  limiter: AttemptLimiter;
  now?: () => Date;
}

/**
 * POST /s/{token}/report: rate-limited per address (and per address and link) before anything
 * is read. A report about a link that opens nothing is answered the same and kept nowhere:
 * the answer tells nobody which tokens exist. A report on a live or spent link is kept for
 * the tenant admin and appended to the share's audit trail.
 */
export async function reportShare(
  deps: ReportDeps,
  token: string,
  reason: string,
  client: PublicClient,
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const hash = isWellFormedToken(token) ? hashLinkToken(token) : 'malformed';
  const allowed = await takeAll(
    deps.limiter,
    [
      { key: `report#${hash}#${client.address}`, rule: REPORT_ATTEMPTS.perLinkAndClient },
      { key: `report#${client.address}`, rule: REPORT_ATTEMPTS.perClient },
    ],
    now,
  );
  if (!allowed) throw new TooManyReportsError();
  if (hash === 'malformed') return;
  const link = await deps.links.getByTokenHash(hash);
  // A revoked or spent link can still be reported (what was downloaded may be the problem);
  // a link long gone from the table cannot.
  if (!link || linkState(link, now) === 'expired') return;
  const share = await deps.shares.getShare(link.shareId);
  if (!share) return;
  const report: ShareReport = {
    id: randomBytes(12).toString('hex'),
    shareId: share.id,
    tenantId: share.tenantId,
    linkId: link.id,
    at: now.toISOString(),
    reason: reason.slice(0, MAX_REPORT_REASON_LENGTH),
    clientAddress: client.address,
    userAgent: client.userAgent,
  };
  await deps.reports.putReport(report, share.expiresAt);
  await appendShareEvent(deps.shares, share, {
    kind: 'reported',
    actor: PUBLIC_ACTOR,
    linkId: link.id,
    clientAddress: client.address,
    userAgent: client.userAgent,
    at: now,
    detail: { reportId: report.id },
  });
}
