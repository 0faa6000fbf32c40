import type { IdentityStatus } from './email-identities';

/** SES's documented values: inbound MX, MAIL FROM MX and SPF, Easy DKIM CNAME targets. */
export const INBOUND_MX_PRIORITY = 10;
export const MAIL_FROM_MX_PRIORITY = 10;
export const SPF_RECORD = 'v=spf1 include:amazonses.com ~all';
/**
 * A starting point, not a mandate: quarantine what fails both SPF and DKIM alignment. Every
 * message sesame sends is DKIM-signed for the domain, so its own mail passes.
 */
export const SUGGESTED_DMARC_RECORD = 'v=DMARC1; p=quarantine';

export interface DnsRecord {
  /** What the record is for. */
  purpose: 'inbound' | 'dkim' | 'mail-from' | 'spf' | 'dmarc';
  type: 'MX' | 'CNAME' | 'TXT';
  name: string;
  value: string;
  priority?: number;
  /** false for records sesame suggests but does not need to work (DMARC). */
  required: boolean;
}

/** The exact records a tenant publishes for `domain`, with SES in `region`. */
export function dnsRecordsFor(domain: string, region: string, status: IdentityStatus): DnsRecord[] {
  return [
    {
      purpose: 'inbound',
      type: 'MX',
      name: domain,
      value: `inbound-smtp.${region}.amazonaws.com`,
      priority: INBOUND_MX_PRIORITY,
      required: true,
    },
    ...status.dkimTokens.map((token): DnsRecord => ({
      purpose: 'dkim',
      type: 'CNAME',
      name: `${token}._domainkey.${domain}`,
      value: `${token}.dkim.amazonses.com`,
      required: true,
    })),
    {
      purpose: 'mail-from',
      type: 'MX',
      name: status.mailFromDomain,
      value: `feedback-smtp.${region}.amazonses.com`,
      priority: MAIL_FROM_MX_PRIORITY,
      required: true,
    },
    {
      purpose: 'spf',
      type: 'TXT',
      name: status.mailFromDomain,
      value: SPF_RECORD,
      required: true,
    },
    {
      purpose: 'dmarc',
      type: 'TXT',
      name: `_dmarc.${domain}`,
      value: SUGGESTED_DMARC_RECORD,
      required: false,
    },
  ];
}
