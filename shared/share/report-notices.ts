import type { Mailbox } from '../tenancy/model';
import type { TenancyStore } from '../tenancy/tenancy-store';
import type { ShareReport } from './share-reports';
import type { ShareStore } from './share-store';

/** Report notices sent per sweep run at most; the rest wait for the next run. */
export const REPORT_NOTICE_BATCH = 100;
/** Members read per page while looking for a tenant's admins. */
const MEMBERS_PAGE = 100;

/** A report whose tenant admins have not been told yet (its marker on GSI3). */
export interface PendingReportNotice {
  shareId: string;
  reportId: string;
}

/** The report-notice port (DynamoShareReports): the markers and the report's `notifiedAt`. */
export interface ReportNoticeStore {
  /** Oldest first, at most `limit`. */
  listUnnotified(limit: number): Promise<PendingReportNotice[]>;
  getReport(shareId: string, reportId: string): Promise<ShareReport | undefined>;
  /** Sets `notifiedAt` only if unset (and the report still exists); false otherwise. */
  markNotified(pending: PendingReportNotice, at: string): Promise<boolean>;
  clearNotice(pending: PendingReportNotice): Promise<void>;
}

/** A notice for one tenant admin's inbox. */
export interface AdminNotice {
  /** What `x-sesame-notice` says: `share-report`. */
  kind: string;
  subject: string;
  text: string;
}

/**
 * The delivery port (functions/share-sweep: a system notice in the admin's inbox); a port
 * because shared/mailbox already depends on shared/share through the blob folder.
 */
export interface AdminNotices {
  tell(admin: { address: string; tenantId: string }, notice: AdminNotice, at: Date): Promise<void>;
}

export interface ReportNoticeDeps {
  reports: ReportNoticeStore;
  notices: AdminNotices;
  shares: Pick<ShareStore, 'getShare'>;
  tenancy: Pick<TenancyStore, 'listMembers'>;
  now?: () => Date;
}

/** The takedown route a tenant admin calls (shared/http/routes). */
export const takedownRoute = (tenantId: string, shareId: string) =>
  `POST /tenants/${tenantId}/shares/${shareId}/takedown`;

function reportNoticeText(
  report: ShareReport,
  share: { name: string; owner: string } | undefined,
): { subject: string; text: string } {
  const what = share ? `"${share.name}" shared by ${share.owner}` : `share ${report.shareId}`;
  return {
    subject: `A shared file was reported: ${share?.name ?? report.shareId}`,
    text: [
      `Someone reported ${what} (share ${report.shareId}) on ${report.at}.`,
      `Reason given: ${report.reason || '(none)'}`,
      `To take it down (every link stops at once): ${takedownRoute(report.tenantId, report.shareId)}`,
      `All reports: GET /tenants/${report.tenantId}/share-reports`,
    ].join('\n'),
  };
}

/** The tenant's active tenant admins, from its member listing. */
async function activeAdmins(
  tenancy: ReportNoticeDeps['tenancy'],
  tenantId: string,
): Promise<Mailbox[]> {
  const admins: Mailbox[] = [];
  let cursor: string | undefined;
  do {
    const page = await tenancy.listMembers(tenantId, MEMBERS_PAGE, cursor);
    admins.push(...page.items.filter((m) => m.role === 'tenant-admin' && m.status === 'active'));
    cursor = page.next;
  } while (cursor);
  return admins;
}

/**
 * Issue 9: tells a tenant's admins of each new abuse report, one system notice per report in
 * each active admin's inbox. The public function that records a report may not read the table,
 * so it leaves a marker; this runs in the share sweep. The conditional `notifiedAt` decides
 * who tells: a re-run or a concurrent run that loses it sends nothing. At most once, like the
 * quota notices: a crash between the mark and the delivery loses that notice (the report stays
 * listed at GET /tenants/{id}/share-reports). Returns the number of reports told.
 */
export async function noticeNewReports(deps: ReportNoticeDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  let told = 0;
  for (const pending of await deps.reports.listUnnotified(REPORT_NOTICE_BATCH)) {
    const report = await deps.reports.getReport(pending.shareId, pending.reportId);
    if (report && (await deps.reports.markNotified(pending, now.toISOString()))) {
      const share = await deps.shares.getShare(report.shareId);
      const notice = { kind: 'share-report', ...reportNoticeText(report, share) };
      for (const admin of await activeAdmins(deps.tenancy, report.tenantId))
        await deps.notices.tell(admin, notice, now);
      told += 1;
    }
    await deps.reports.clearNotice(pending);
  }
  return told;
}
