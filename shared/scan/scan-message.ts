import type { ParsedMail } from '../mime/parse-message';
import { policyViolation, type AttachmentPolicy } from './attachment-policy';
import { containsEicar, containsGtube } from './content-checks';
import { InflateBudget, looksLikeZip, UnscannableArchiveError, zipEntries } from './zip-entries';
import { sesFindings, type ReceiptVerdicts } from './ses-verdicts';
import type { AttachmentMarkers } from './unparsed-attachments';
import { ScannerUnavailableError, type VirusScanner } from './virus-scanner';
import type { Finding } from './verdict';

/**
 * The content findings of one message, independent of who receives it: SES's verdicts, EICAR in
 * any part (or the raw message, or inside a zip), GTUBE in a text part, and the virus scanner
 * on the raw message when one is configured. A scanner that cannot answer is a suspicious
 * finding that quarantines (fail closed), not an error: the message is still delivered.
 */
export async function scanContent(
  notification: ReceiptVerdicts,
  raw: Uint8Array,
  mail: ParsedMail,
  scanner?: VirusScanner,
): Promise<Finding[]> {
  const findings = sesFindings(notification);
  const eicar = (detail: string, attachment?: number): Finding => ({
    source: 'content',
    verdict: 'virus',
    check: 'eicar',
    detail,
    ...(attachment !== undefined && { attachment }),
  });
  if (containsEicar(raw)) findings.push(eicar('EICAR test file in the message'));
  mail.attachments.forEach((attachment, i) => {
    if (containsEicar(attachment.content)) {
      findings.push(eicar(`EICAR test file in ${attachment.filename}`, i + 1));
    }
  });
  if (containsGtube(mail.text ?? '') || containsGtube(mail.html ?? '')) {
    findings.push({
      source: 'content',
      verdict: 'spam',
      check: 'gtube',
      detail: 'GTUBE test string',
    });
  }
  if (scanner) {
    try {
      const result = await scanner.scan(raw);
      if (result.infected) {
        findings.push({
          source: 'scanner',
          verdict: 'virus',
          check: scanner.name,
          detail: result.signature,
        });
      }
    } catch (error) {
      if (!(error instanceof ScannerUnavailableError)) throw error;
      findings.push({
        source: 'scanner',
        verdict: 'suspicious',
        check: scanner.name,
        detail: `not scanned: ${error.message}`,
        quarantine: true,
      });
    }
  }
  return findings;
}

/**
 * The attachment-policy findings for one tenant's policy: each attachment's name and type, and
 * the entries of any zip (opened with bounds; EICAR inside is a virus whatever the policy).
 * All the message's archives, nested ones included, share one inflate budget (ZIP_LIMITS).
 */
export function scanAttachments(mail: ParsedMail, policy: AttachmentPolicy): Finding[] {
  const findings: Finding[] = [];
  const budget = new InflateBudget();
  mail.attachments.forEach((attachment, i) => {
    const number = i + 1;
    const blocked = (check: string, detail: string): Finding => ({
      source: 'policy',
      verdict: 'blocked',
      check,
      detail,
      attachment: number,
    });
    const violation = policyViolation(policy, attachment.filename, attachment.contentType);
    if (violation) findings.push(blocked(violation.check, violation.detail));
    if (!looksLikeZip(attachment.content, attachment.filename)) return;
    try {
      for (const entry of zipEntries(attachment.content, budget)) {
        if (entry.eicar) {
          findings.push({
            source: 'content',
            verdict: 'virus',
            check: 'eicar',
            detail: `EICAR test file in ${attachment.filename}: ${entry.name}`,
            attachment: number,
          });
        }
        const inner = policyViolation(policy, entry.name, '');
        if (inner) findings.push(blocked(inner.check, `${attachment.filename}: ${inner.detail}`));
      }
    } catch (error) {
      if (!(error instanceof UnscannableArchiveError)) throw error;
      findings.push({
        source: 'policy',
        verdict: policy.blockUnscannableArchives ? 'blocked' : 'suspicious',
        check: 'unscannable-archive',
        detail: `${attachment.filename}: ${error.message}`,
        attachment: number,
      });
    }
  });
  return findings;
}

/** Named findings kept per policy check on unparsed mail; the rest are counted in one more. */
export const MAX_UNPARSED_BLOCKED_FINDINGS = 20;

export const UNPARSED_ATTACHMENTS_REASON =
  'the message could not be parsed, so its attachments could not be scanned';

/**
 * The policy findings for a message the parser gave up on (see shared/scan/unparsed-attachments
 * for how the markers are found). Fails closed without holding the message back: a blocked
 * name quarantines it as `blocked`; attachments that could not be scanned quarantine it as
 * `suspicious`; with no attachment at all it is only marked `suspicious` (`unparsed`) and
 * delivered as the other findings say, its raw copy downloadable.
 */
export function scanUnparsedAttachments(
  markers: AttachmentMarkers,
  policy: AttachmentPolicy,
): Finding[] {
  if (!markers.found) {
    return [
      {
        source: 'policy',
        verdict: 'suspicious',
        check: 'unparsed',
        detail: 'the message could not be parsed; it announces no attachments',
      },
    ];
  }
  const blocked: Finding[] = [];
  for (const name of markers.names) {
    const violation = policyViolation(policy, name, '');
    if (violation) {
      blocked.push({
        source: 'policy',
        verdict: 'blocked',
        check: violation.check,
        detail: violation.detail,
      });
    }
  }
  if (blocked.length > MAX_UNPARSED_BLOCKED_FINDINGS) {
    const more = blocked.length - MAX_UNPARSED_BLOCKED_FINDINGS;
    blocked.length = MAX_UNPARSED_BLOCKED_FINDINGS;
    blocked.push({
      source: 'policy',
      verdict: 'blocked',
      check: 'blocked-names',
      detail: `${more} more blocked attachment names`,
    });
  }
  if (blocked.length > 0) return blocked;
  return [
    {
      source: 'policy',
      verdict: 'suspicious',
      check: 'unparsed-attachments',
      detail: UNPARSED_ATTACHMENTS_REASON,
      quarantine: true,
    },
  ];
}
