import type { TierTable } from '../config/tiers';
import type { Caller, Role } from '../identity/caller';
import { AlreadyExistsError } from '../errors/common-errors';
import { domainOf, normaliseAddress } from '../address/address';
import type { Mailbox, Tenant } from './model';
import { ForbiddenError, isPlatformAdmin, requireMayManage } from '../identity/access-rules';
import { directoryEntriesOf } from './directory-terms';
import {
  ForeignDomainError,
  NoSuchTenantError,
  NoSuchUserError,
  NotActiveError,
  NotPremiumError,
} from './errors';
import type { TenancyStore } from './tenancy-store';
import { quotaFor } from './tenants';

/** The roles a tenant admin may give. */
export type TenantRole = Exclude<Role, 'platform-admin'>;

export interface NewUser {
  address: string;
  displayName: string;
  jobTitle?: string;
  role?: TenantRole;
}

export interface UserChanges {
  displayName?: string;
  jobTitle?: string;
  /** `platform-admin` only when a platform admin asks (the group itself lives in Cognito). */
  role?: Role;
  largeMailbox?: boolean;
  status?: 'leaver';
}

/** Tries of a PATCH whose add-on flag keeps changing under it (a concurrent grant or revoke). */
const UPDATE_ATTEMPTS = 3;

/** What the API shows of a user. */
export function userView(mailbox: Mailbox) {
  const { quotaNoticeLevel: _q, ...view } = mailbox;
  return { ...view, largeMailbox: mailbox.largeMailbox ?? false };
}

async function memberOf(store: TenancyStore, tenant: Tenant, address: string): Promise<Mailbox> {
  const mailbox = await store.getMailbox(normaliseAddress(address));
  if (!mailbox || mailbox.tenantId !== tenant.id) throw new NoSuchUserError();
  return mailbox;
}

/** The mailbox a new user gets: on one of the tenant's domains, with the tier's quota. */
export function newMailbox(tiers: TierTable, tenant: Tenant, input: NewUser, now: Date): Mailbox {
  const address = normaliseAddress(input.address);
  if (!tenant.domains.includes(domainOf(address))) {
    throw new ForeignDomainError(`${address} is not on a domain of ${tenant.name}.`);
  }
  return {
    address,
    tenantId: tenant.id,
    displayName: input.displayName,
    ...(input.jobTitle && { jobTitle: input.jobTitle }),
    role: input.role ?? 'user',
    status: 'active',
    quotaBytes: quotaFor(tiers, tenant.tier, false),
    usedBytes: 0,
    messageCount: 0,
    largeMailbox: false,
    createdAt: now.toISOString(),
  };
}

/** Creates a mailbox, its folders and directory entries in one transaction. */
export async function createUser(
  store: TenancyStore,
  tiers: TierTable,
  tenant: Tenant,
  input: NewUser,
  now: Date,
): Promise<Mailbox> {
  const mailbox = newMailbox(tiers, tenant, input, now);
  await store.createMailbox(mailbox, directoryEntriesOf(mailbox, tenant.name));
  return mailbox;
}

/**
 * Profile, add-on and leaving, as `by` (a tenant admin if absent). Leaving is one transaction
 * of its own (the other fields are ignored). Otherwise what can be checked is checked first
 * (the caller may, the user is active, the tenant is premium) and profile, directory and add-on
 * are written in one transaction that also holds the seat conditions, so a 409 changes nothing.
 */
export async function updateUser(
  store: TenancyStore,
  tiers: TierTable,
  tenant: Tenant,
  address: string,
  changes: UserChanges,
  now: Date,
  by?: Caller,
): Promise<Mailbox> {
  if (changes.role === 'platform-admin' && !(by && isPlatformAdmin(by))) {
    throw new ForbiddenError('Only a platform admin may give the platform-admin role.');
  }
  for (let attempt = 1; ; attempt++) {
    const mailbox = await memberOf(store, tenant, address);
    requireMayManage(by, mailbox);
    if (changes.status === 'leaver') {
      await store.markLeaver(
        mailbox.address,
        tenant.id,
        now.toISOString(),
        quotaFor(tiers, tenant.tier, false),
      );
      return memberOf(store, tenant, mailbox.address);
    }
    if (mailbox.status !== 'active') throw new NotActiveError();
    const { largeMailbox, status: _status, ...fields } = changes;
    const profile = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    ) as typeof fields;
    if (largeMailbox && tenant.tier !== 'premium') throw new NotPremiumError();
    // Whether a seat is left is decided by the transaction (NoSeatLeft), not by this request's
    // possibly stale read of the tenant: either way nothing is written.
    const seat =
      largeMailbox !== undefined && largeMailbox !== (mailbox.largeMailbox ?? false)
        ? { grant: largeMailbox, quotaBytes: quotaFor(tiers, tenant.tier, largeMailbox) }
        : undefined;
    const profileChanges = Object.keys(profile).length > 0;
    if (!profileChanges && !seat) return mailbox;
    const written = await store.updateUser({
      address: mailbox.address,
      tenantId: tenant.id,
      profile,
      ...(profileChanges && {
        directory: directoryEntriesOf({ ...mailbox, ...profile }, tenant.name),
      }),
      ...(seat && { seat }),
    });
    if (written) return memberOf(store, tenant, mailbox.address);
    if (attempt >= UPDATE_ATTEMPTS) {
      throw new Error(`${mailbox.address}: the add-on kept changing during the update`);
    }
  }
}

export interface TransferPlan {
  address: string;
  usedBytes: number;
  from: { tenantId: string; tier: string; quotaBytes: number; largeMailbox: boolean };
  to: { tenantId: string; tier: string; quotaBytes: number; largeMailbox: false };
  /** The large-mailbox seat the user holds goes back to the old tenant. */
  seatReturned: boolean;
  /** Mail already stored stays; new mail bounces until usage falls below the new quota. */
  overQuotaAfter: boolean;
  applied: boolean;
}

/**
 * Moves a user to another tenant keeping the address (an address for life): the old tenant's
 * domain keeps routing it, because ingest finds the mailbox by address. The add-on does not
 * travel (it is the old tenant's seat), nor does the role: the user arrives as a plain user.
 * `dryRun` shows the plan and changes nothing. `by`: as in updateUser.
 */
export async function transferUser(
  store: TenancyStore,
  tiers: TierTable,
  from: Tenant,
  address: string,
  toTenantId: string,
  dryRun: boolean,
  by?: Caller,
): Promise<TransferPlan> {
  const mailbox = await memberOf(store, from, address);
  requireMayManage(by, mailbox);
  if (mailbox.status !== 'active') throw new NotActiveError();
  if (toTenantId === from.id)
    throw new AlreadyExistsError(`${mailbox.address} is in ${from.id} already.`);
  const to = await store.getTenant(toTenantId);
  if (!to) throw new NoSuchTenantError();
  const quotaBytes = quotaFor(tiers, to.tier, false);
  const plan: TransferPlan = {
    address: mailbox.address,
    usedBytes: mailbox.usedBytes,
    from: {
      tenantId: from.id,
      tier: from.tier,
      quotaBytes: mailbox.quotaBytes,
      largeMailbox: mailbox.largeMailbox ?? false,
    },
    to: { tenantId: to.id, tier: to.tier, quotaBytes, largeMailbox: false },
    seatReturned: mailbox.largeMailbox ?? false,
    overQuotaAfter: mailbox.usedBytes > quotaBytes,
    applied: false,
  };
  if (dryRun) return plan;
  await store.transferMailbox({
    address: mailbox.address,
    fromTenantId: from.id,
    toTenantId: to.id,
    quotaBytes,
    returnsSeat: plan.seatReturned,
    directory: directoryEntriesOf({ ...mailbox, tenantId: to.id }, to.name),
  });
  return { ...plan, applied: true };
}
