import { domainError } from '../errors/domain-error';

/**
 * The EmailIdentities port: what the mail service knows about a tenant's domain as a sending and
 * receiving identity. In AWS it is an SES identity (Easy DKIM, custom MAIL FROM); on one machine
 * there is no DNS, so every domain is verified at once (local-email-identities).
 */

/** Where a domain stands: DNS records not seen yet, seen and working, or given up on. */
export const DOMAIN_STATES = ['pending', 'verified', 'failed'] as const;
export type DomainState = (typeof DOMAIN_STATES)[number];

/** The label of the custom MAIL FROM subdomain: bounces to mail sent as `x@d` go to `mail.d`. */
export const MAIL_FROM_LABEL = 'mail';

export const mailFromDomainOf = (domain: string) => `${MAIL_FROM_LABEL}.${domain}`;

export interface IdentityStatus {
  /** Verified once the DKIM records are seen; the receipt rule covers it from then on. */
  state: DomainState;
  /** The three Easy DKIM tokens: each becomes `<token>._domainkey.<domain>` CNAME. */
  dkimTokens: string[];
  mailFromDomain: string;
  mailFromState: DomainState;
}

export interface EmailIdentities {
  /**
   * Creates the domain's identity (Easy DKIM) and sets its MAIL FROM domain; an identity that
   * exists already is kept, so a retry after a failure converges.
   */
  ensure(domain: string): Promise<IdentityStatus>;
  /** The identity's status; undefined if there is none. */
  describe(domain: string): Promise<IdentityStatus | undefined>;
  /** Deletes the identity; one that is gone already is fine. */
  remove(domain: string): Promise<void>;
}

/**
 * SES (or its stand-in) refused or failed: the API answers a generic 500 (5xx details stay in
 * the log). The table is the source of truth; repeating the request finishes the job.
 */
export class IdentityServiceError extends domainError('IdentityServiceFailed') {
  constructor(message: string, options?: ErrorOptions) {
    super(message);
    this.cause = options?.cause;
  }
}
