import { randomBytes } from 'node:crypto';
import type { TierName, TierTable } from '../config/tiers';
import type { Mailbox, Tenant } from './model';
import { NotPremiumError } from './errors';
import type { Page, TenancyStore } from './tenancy-store';

/** Tenant ids are random (never derived from a name), so a 404 reveals nothing about others. */
export const newTenantId = () => `t-${randomBytes(8).toString('hex')}`;

/** Members re-quota'd per page when a tenant's tier changes. */
const MEMBERS_PAGE = 100;
/** Tries per member when its add-on flag changes under the re-quota (a concurrent grant). */
const REQUOTA_ATTEMPTS = 3;

export interface NewTenant {
  name: string;
  tier: TierName;
  domains: string[];
  largeMailboxSeats: number;
}

/** Seats are a premium add-on: a commodity tenant holds none. */
function checkSeats(tier: TierName, seats: number): void {
  if (seats > 0 && tier !== 'premium') throw new NotPremiumError();
}

/** Creates a tenant and claims its domains in one transaction (DomainTaken if one is claimed). */
export async function createTenant(
  store: TenancyStore,
  input: NewTenant,
  now: Date,
  id: string = newTenantId(),
): Promise<Tenant> {
  checkSeats(input.tier, input.largeMailboxSeats);
  const tenant: Tenant = {
    id,
    name: input.name,
    tier: input.tier,
    domains: [...new Set(input.domains.map((domain) => domain.toLowerCase()))],
    largeMailboxSeats: input.largeMailboxSeats,
    largeMailboxSeatsUsed: 0,
    createdAt: now.toISOString(),
  };
  await store.createTenant(tenant);
  return tenant;
}

/** The quota a member has under a tier: the add-on's if they hold a seat. */
export function quotaFor(
  tiers: TierTable,
  tier: TierName,
  largeMailbox: boolean | undefined,
): number {
  return largeMailbox ? tiers[tier].largeMailboxBytes : tiers[tier].mailboxBytes;
}

/**
 * Changes a tenant's tier and/or seats. With a tier, every member's quota is set from the tier
 * table, page by page, in this request: the tenant item changes first and each mailbox after,
 * so a reader may briefly see the new tier with an old quota. Giving the tier again re-applies
 * the quotas (the repair if a request died half-way). Ingest re-reads a changed quota itself.
 */
export async function updateTenant(
  store: TenancyStore,
  tiers: TierTable,
  tenant: Tenant,
  changes: Partial<Pick<Tenant, 'tier' | 'largeMailboxSeats' | 'mailRetention'>>,
): Promise<{ tenant: Tenant; quotasUpdated: number }> {
  checkSeats(changes.tier ?? tenant.tier, changes.largeMailboxSeats ?? tenant.largeMailboxSeats);
  const updated = await store.updateTenant(tenant.id, changes);
  let quotasUpdated = 0;
  if (changes.tier) {
    let cursor: string | undefined;
    do {
      const page: Page<{ address: string; largeMailbox?: boolean; quotaBytes: number }> =
        await store.listMembers(tenant.id, MEMBERS_PAGE, cursor);
      for (const member of page.items) {
        if (await requota(store, tiers, tenant.id, changes.tier, member)) quotasUpdated++;
      }
      cursor = page.next;
    } while (cursor);
  }
  return { tenant: updated, quotasUpdated };
}

/**
 * Sets one member's quota from the tier, conditioned on the add-on flag as read: a seat granted
 * or taken back meanwhile is not overwritten, the member is read again and its quota decided
 * afresh. True if the quota was changed; false if it was right already or the member has gone.
 */
async function requota(
  store: TenancyStore,
  tiers: TierTable,
  tenantId: string,
  tier: TierName,
  listed: Pick<Mailbox, 'address' | 'largeMailbox' | 'quotaBytes'>,
): Promise<boolean> {
  let member: Pick<Mailbox, 'address' | 'largeMailbox' | 'quotaBytes' | 'tenantId'> | undefined = {
    ...listed,
    tenantId,
  };
  for (let attempt = 1; attempt <= REQUOTA_ATTEMPTS; attempt++) {
    if (!member || member.tenantId !== tenantId) return false;
    const large = member.largeMailbox ?? false;
    const quota = quotaFor(tiers, tier, large);
    if (quota === member.quotaBytes) return false;
    if (await store.setQuota(member.address, tenantId, quota, large)) return true;
    member = await store.getMailbox(member.address);
  }
  // Still changing after that: whoever changed it last set the quota from the tenant's tier.
  return false;
}

/** What the API shows of a tenant. */
export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    tier: tenant.tier,
    domains: tenant.domains,
    largeMailboxSeats: tenant.largeMailboxSeats,
    largeMailboxSeatsUsed: tenant.largeMailboxSeatsUsed ?? 0,
    createdAt: tenant.createdAt,
  };
}
