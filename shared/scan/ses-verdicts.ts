import type { Finding } from './verdict';

/**
 * What scanning reads of an SES receipt notification (shared/inbound/ses-notification parses
 * the whole of it): the verdicts SES reported. Declared here so scan does not import inbound.
 */
export interface ReceiptVerdicts {
  receipt: {
    spamVerdict?: { status: string };
    virusVerdict?: { status: string };
    spfVerdict?: { status: string };
    dkimVerdict?: { status: string };
    dmarcVerdict?: { status: string };
    dmarcPolicy?: string;
  };
}

/**
 * SES's own verdicts, as findings. PASS says nothing; GRAY ("could not be determined", also what
 * the local listener reports) is recorded on the message but is not a finding; PROCESSING_FAILED
 * is a check that did not happen, so it is suspicious, never clean: a failed virus check keeps
 * the message in Quarantine, a failed spam check sends it to Junk.
 */
export function sesFindings(notification: ReceiptVerdicts): Finding[] {
  const { receipt } = notification;
  const findings: Finding[] = [];
  const spam = receipt.spamVerdict?.status;
  const virus = receipt.virusVerdict?.status;
  if (virus === 'FAIL') {
    findings.push({
      source: 'ses',
      verdict: 'virus',
      check: 'ses-virus',
      detail: 'SES found a virus',
    });
  } else if (virus === 'PROCESSING_FAILED') {
    findings.push({
      source: 'ses',
      verdict: 'suspicious',
      check: 'ses-virus',
      detail: 'SES could not scan the message for viruses',
      quarantine: true,
    });
  }
  if (spam === 'FAIL') {
    findings.push({
      source: 'ses',
      verdict: 'spam',
      check: 'ses-spam',
      detail: 'SES marked it as spam',
    });
  } else if (spam === 'PROCESSING_FAILED') {
    findings.push({
      source: 'ses',
      verdict: 'suspicious',
      check: 'ses-spam',
      detail: 'SES could not check the message for spam',
      junk: true,
    });
  }
  for (const name of ['spf', 'dkim'] as const) {
    const status = receipt[`${name}Verdict`]?.status;
    if (status === 'FAIL' || status === 'PROCESSING_FAILED') {
      findings.push({
        source: 'ses',
        verdict: 'suspicious',
        check: `ses-${name}`,
        detail: `${name.toUpperCase()} ${status}`,
      });
    }
  }
  const dmarc = receipt.dmarcVerdict?.status;
  const policy = receipt.dmarcPolicy?.toLowerCase();
  if (dmarc === 'FAIL') {
    // The sender's domain asks receivers to reject or quarantine mail that fails: we junk it.
    const enforced = policy === 'reject' || policy === 'quarantine';
    findings.push({
      source: 'ses',
      verdict: enforced ? 'spam' : 'suspicious',
      check: 'ses-dmarc',
      detail: `DMARC FAIL, sender policy ${policy ?? 'none'}`,
    });
  } else if (dmarc === 'PROCESSING_FAILED') {
    findings.push({
      source: 'ses',
      verdict: 'suspicious',
      check: 'ses-dmarc',
      detail: 'SES could not evaluate DMARC',
    });
  }
  return findings;
}
