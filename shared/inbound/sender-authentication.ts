import { domainOf } from '../address/address';
import type { Address } from '../mime/mail-parts';
import { MIME_LIMITS, type ParsedMail } from '../mime/parse-message';
import type { SesReceiptNotification } from './ses-notification';

/** Which SES check vouches for the envelope sender (MAIL FROM); none means a bounce is not sent. */
export type AuthenticatedBy = 'spf' | 'dkim' | 'dmarc';

/** What of the message itself the decision reads besides SES's verdicts. */
export interface SenderEvidence {
  /** The parsed headers (DKIM-Signature); `complete` false when the parser kept only some. */
  headers: { key: string; value: string }[];
  headersComplete: boolean;
  /** The header From. */
  from?: Address;
}

/** The evidence a parsed message holds; the parser keeps at most maxStoredHeaders headers. */
export function evidenceOf(parsed: ParsedMail): SenderEvidence {
  return {
    headers: parsed.headers,
    headersComplete: parsed.headers.length < MIME_LIMITS.maxStoredHeaders,
    ...(parsed.from && { from: parsed.from }),
  };
}

const PASS = 'PASS';

/**
 * Relaxed alignment without a public-suffix list: the same domain, or one a subdomain of the
 * other (a single label never counts). Stricter than DMARC's organisational match (a sibling
 * subdomain does not count), which errs towards not bouncing, never towards backscatter. A
 * multi-label public suffix (`co.uk`) would align with its registrants, but no one can pass
 * DKIM or DMARC as a public suffix.
 */
function aligned(a: string, b: string): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return shorter.includes('.') && longer.endsWith(`.${shorter}`);
}

/** The `d=` tag of a DKIM-Signature header value (RFC 6376 tag list), lower-cased. */
function signingDomain(value: string): string | undefined {
  for (const tag of value.split(';')) {
    const equals = tag.indexOf('=');
    if (equals < 0) continue;
    if (tag.slice(0, equals).trim().toLowerCase() === 'd') {
      return tag
        .slice(equals + 1)
        .replace(/\s/g, '')
        .toLowerCase();
    }
  }
  return undefined;
}

/**
 * Whether the envelope sender is who it claims to be, from SES's receipt verdicts:
 * - SPF PASS: SES checks SPF for the MAIL FROM domain, so it is authenticated;
 * - DKIM PASS: SES does not say which signature passed, so it counts only when every
 *   DKIM-Signature is for the MAIL FROM domain (otherwise anyone could sign with their own
 *   domain and forge someone else's MAIL FROM);
 * - DMARC PASS: it vouches for the header From, so it counts when From aligns with MAIL FROM.
 * GRAY, FAIL and PROCESSING_FAILED never authenticate. Undefined: send no bounce.
 */
export function senderAuthenticatedBy(
  notification: SesReceiptNotification,
  evidence: SenderEvidence,
): AuthenticatedBy | undefined {
  const { receipt } = notification;
  const senderDomain = domainOf(notification.mail.source);
  if (!senderDomain) return undefined;
  if (receipt.spfVerdict?.status === PASS) return 'spf';
  if (receipt.dkimVerdict?.status === PASS && evidence.headersComplete) {
    const domains = evidence.headers
      .filter((header) => header.key.toLowerCase() === 'dkim-signature')
      .map((header) => signingDomain(header.value) ?? '');
    if (domains.length > 0 && domains.every((domain) => aligned(domain, senderDomain))) {
      return 'dkim';
    }
  }
  if (
    receipt.dmarcVerdict?.status === PASS &&
    evidence.from &&
    aligned(domainOf(evidence.from.address), senderDomain)
  ) {
    return 'dmarc';
  }
  return undefined;
}
