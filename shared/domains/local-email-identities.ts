import { createHash } from 'node:crypto';
import { mailFromDomainOf, type EmailIdentities, type IdentityStatus } from './email-identities';

/** SES hands out three DKIM tokens per domain. */
const DKIM_TOKEN_COUNT = 3;
const DKIM_TOKEN_LENGTH = 32;

/**
 * The EmailIdentities port on one machine. There is no DNS and no SES here: every domain the
 * table holds is verified at once, and the SMTP listener accepts its mail as soon as the domain
 * is added (it asks the table). The DKIM tokens are derived from the name, so the DNS records
 * shown are stable, in SES's shape, and publish nothing.
 */
export class LocalEmailIdentities implements EmailIdentities {
  async ensure(domain: string): Promise<IdentityStatus> {
    return this.status(domain);
  }

  async describe(domain: string): Promise<IdentityStatus | undefined> {
    return this.status(domain);
  }

  async remove(): Promise<void> {}

  private status(domain: string): IdentityStatus {
    const dkimTokens = Array.from({ length: DKIM_TOKEN_COUNT }, (_, n) =>
      createHash('sha256').update(`${domain}#${n}`).digest('hex').slice(0, DKIM_TOKEN_LENGTH),
    );
    return {
      state: 'verified',
      dkimTokens,
      mailFromDomain: mailFromDomainOf(domain),
      mailFromState: 'verified',
    };
  }
}
