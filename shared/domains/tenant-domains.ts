import type { Tenant } from '../tenancy/model';
import { DomainInUseError, NoSuchDomainError } from '../tenancy/errors';
import type { TenancyStore } from '../tenancy/tenancy-store';
import { dnsRecordsFor, type DnsRecord } from './dns-records';
import { logger } from '../log/logger';
import { IdentityServiceError, mailFromDomainOf } from './email-identities';
import type { DomainState, EmailIdentities, IdentityStatus } from './email-identities';

/** Domains one tenant may hold: a sanity bound (an organisation has a handful), not a price. */
export const MAX_DOMAINS_PER_TENANT = 50;

export interface DomainDeps {
  store: Pick<TenancyStore, 'claimDomain' | 'getDomain' | 'releaseDomain'>;
  emailIdentities: EmailIdentities;
  /** The SES region: the inbound MX and MAIL FROM records name it. */
  region: string;
}

export interface DomainView {
  domain: string;
  state: DomainState;
  mailFrom: { domain: string; state: DomainState };
  /** Publish these at the domain's DNS host; `required: false` ones are suggestions. */
  dnsRecords: DnsRecord[];
}

/** What the API shows of a domain. No identity at all (SES lost it, or creating it failed): failed. */
export function domainView(
  domain: string,
  region: string,
  status: IdentityStatus | undefined,
): DomainView {
  const view: IdentityStatus = status ?? {
    state: 'failed',
    dkimTokens: [],
    mailFromDomain: mailFromDomainOf(domain),
    mailFromState: 'failed',
  };
  return {
    domain,
    state: view.state,
    mailFrom: { domain: view.mailFromDomain, state: view.mailFromState },
    dnsRecords: dnsRecordsFor(domain, region, view),
  };
}

/**
 * Adds a domain to a tenant: the table's claim first (the source of truth, and the race-free
 * DomainTaken check), then the identity. If the identity fails, the claim stands and the same
 * request again finishes the job (`created: false` then).
 */
export async function addDomain(
  deps: DomainDeps,
  tenant: Tenant,
  domain: string,
): Promise<{ created: boolean; view: DomainView }> {
  const claimed = await deps.store.claimDomain(tenant.id, domain, MAX_DOMAINS_PER_TENANT);
  const status = await deps.emailIdentities.ensure(domain);
  return { created: claimed === 'claimed', view: domainView(domain, deps.region, status) };
}

/**
 * The identities of the domains a new tenant was created with (claimed with it). The tenant
 * exists whatever SES says: a domain whose identity failed is listed as `failed`, and adding it
 * again (a 200) creates the identity.
 */
export async function createIdentities(deps: DomainDeps, domains: string[]): Promise<void> {
  for (const domain of domains) {
    try {
      await deps.emailIdentities.ensure(domain);
    } catch (error) {
      if (!(error instanceof IdentityServiceError)) throw error;
      logger.warn('tenant created without the identity of one of its domains', {
        domain,
        error,
      });
    }
  }
}

/** The tenant's domains with their state and DNS records, in name order. */
export async function listDomains(deps: DomainDeps, tenant: Tenant): Promise<DomainView[]> {
  const views: DomainView[] = [];
  // One at a time: SES's identity API has a low per-account request rate.
  for (const domain of [...tenant.domains].sort()) {
    views.push(domainView(domain, deps.region, await deps.emailIdentities.describe(domain)));
  }
  return views;
}

/**
 * Removes a domain no mailbox was created on (DomainInUse otherwise; NoSuchDomain if the tenant
 * does not hold it). The identity goes before the claim, so that a failure leaves the domain
 * listed (as failed) and the same request again converges; a claim that is gone would leave an
 * identity nobody could remove through the API.
 */
export async function removeDomain(
  deps: DomainDeps,
  tenant: Tenant,
  domain: string,
): Promise<void> {
  const claim = await deps.store.getDomain(domain);
  if (claim?.tenantId !== tenant.id) throw new NoSuchDomainError();
  if ((claim.mailboxCount ?? 0) > 0) throw new DomainInUseError(domain);
  await deps.emailIdentities.remove(domain);
  await deps.store.releaseDomain(tenant.id, domain);
}
