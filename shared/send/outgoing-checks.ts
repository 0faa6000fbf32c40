import { parseMessage, type ParsedMail } from '../mime/parse-message';
import { resolveAttachmentPolicy } from '../scan/attachment-policy';
import { scanAttachments, scanContent } from '../scan/scan-message';
import { reportOf } from '../scan/verdict';
import type { VirusScanner } from '../scan/virus-scanner';
import type { Tenant } from '../tenancy/model';
import { MessageBlockedError } from './errors';

/**
 * What leaves passes the same checks as what arrives: no virus, nothing the tenant's policy
 * blocks (409 MessageBlocked otherwise). Hosted recipients' copies are scanned again by ingest,
 * as any mail. Answers the message as parsed, parsed once.
 */
export async function checkOutgoing(
  raw: Buffer,
  scanner: VirusScanner | undefined,
  policy: Tenant['attachmentPolicy'],
): Promise<ParsedMail> {
  const parsed = await parseMessage(raw);
  const findings = [
    ...(await scanContent({ receipt: {} }, raw, parsed, scanner)),
    ...scanAttachments(parsed, resolveAttachmentPolicy(policy)),
  ];
  const { verdict } = reportOf(findings);
  if (verdict === 'virus' || verdict === 'blocked') {
    const why = findings.find((f) => f.verdict === verdict)?.detail ?? verdict;
    throw new MessageBlockedError(`The message cannot be sent: ${why}.`);
  }
  return parsed;
}
