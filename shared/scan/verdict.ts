import { truncateUtf8 } from '../mime/truncate-utf8';

/**
 * The scanning verdict model. Every check adds findings; the verdict is the worst finding and
 * the folder follows from the verdict alone (folderFor), so the rule is in one place.
 */
export const VERDICTS = ['clean', 'suspicious', 'spam', 'blocked', 'virus'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Where a finding came from: SES's notification, our content checks, the policy, the scanner. */
export type FindingSource = 'ses' | 'content' | 'policy' | 'scanner';

export interface Finding {
  source: FindingSource;
  /** What it means for the message; `suspicious` marks a check that could not vouch for it. */
  verdict: Exclude<Verdict, 'clean'>;
  /** Stable, short: `ses-spam`, `eicar`, `gtube`, `blocked-extension`, `clamav`, … */
  check: string;
  detail: string;
  /** 1-based attachment number, when the finding is about one attachment. */
  attachment?: number;
  /** A suspicious finding that should still keep attachments away from the user. */
  quarantine?: boolean;
  /** A suspicious finding that sends the message to Junk. */
  junk?: boolean;
}

export interface ScanReport {
  verdict: Verdict;
  findings: Finding[];
  /** Findings left off the stored report (see recordedReport). */
  omittedFindings?: number;
}

/** The most findings a message item keeps: a thousand blocked attachments must still fit it. */
export const MAX_RECORDED_FINDINGS = 100;
/** A finding's detail as stored: it may quote a sender-chosen name (a zip entry's, up to 64 KB). */
export const MAX_FINDING_DETAIL_BYTES = 512;

const RANK: Record<Verdict, number> = { clean: 0, suspicious: 1, spam: 2, blocked: 3, virus: 4 };

export function worstVerdict(findings: readonly Finding[]): Verdict {
  let worst: Verdict = 'clean';
  for (const finding of findings) if (RANK[finding.verdict] > RANK[worst]) worst = finding.verdict;
  return worst;
}

export function reportOf(findings: Finding[]): ScanReport {
  return { verdict: worstVerdict(findings), findings };
}

/**
 * The folder rule: a virus, a blocked attachment, or a virus check that could not be made →
 * Quarantine (attachments withheld); spam, a DMARC reject/quarantine policy, or a spam check
 * that could not be made → Junk; everything else → Inbox.
 */
export function folderFor(report: ScanReport): 'inbox' | 'junk' | 'quarantine' {
  if (report.verdict === 'virus' || report.verdict === 'blocked') return 'quarantine';
  if (report.findings.some((f) => f.quarantine)) return 'quarantine';
  if (report.verdict === 'spam' || report.findings.some((f) => f.junk)) return 'junk';
  return 'inbox';
}

const flagRank = (finding: Finding): number => (finding.quarantine ? 2 : finding.junk ? 1 : 0);

/**
 * The report as stored on a message item: at most MAX_RECORDED_FINDINGS findings, worst first
 * (flagged ones first among equals), so the kept ones still give the same verdict and folder.
 * Decide the folder on the full report; this is for the record.
 */
export function recordedReport(report: ScanReport): ScanReport {
  const bounded = (findings: Finding[]) =>
    findings.map((finding) => ({
      ...finding,
      detail: truncateUtf8(finding.detail, MAX_FINDING_DETAIL_BYTES),
    }));
  if (report.findings.length <= MAX_RECORDED_FINDINGS) {
    return { ...report, findings: bounded(report.findings) };
  }
  const ranked = [...report.findings].sort(
    (a, b) => RANK[b.verdict] - RANK[a.verdict] || flagRank(b) - flagRank(a),
  );
  return {
    verdict: report.verdict,
    findings: bounded(ranked.slice(0, MAX_RECORDED_FINDINGS)),
    omittedFindings: report.findings.length - MAX_RECORDED_FINDINGS,
  };
}
