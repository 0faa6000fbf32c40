import type { TierTable } from '../config/tiers';
import type { Role } from '../identity/caller';
import { domainOf, normaliseAddress } from '../address/address';
import type { Mailbox, Tenant } from './model';
import { AlreadyExistsError } from '../errors/common-errors';
import { accountStateOf, type Identities } from '../sign-in/identities';
import {
  ForbiddenError,
  isPlatformAdmin,
  requireMayManage,
  type Actor,
} from '../identity/access-rules';
import { directoryEntriesOf } from './directory-terms';
import { ForeignDomainError, NoSuchUserError, NotActiveError, NotPremiumError } from './errors';
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
  const { quotaNoticeLevel: _q, quotaNoticeUsedPercent: _p, ...view } = mailbox;
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

/**
 * Creates the sign-in account, then the mailbox, its folders and directory entries in one
 * transaction. The account comes first because creating it is idempotent: if the table write
 * fails, the account can do nothing (every request needs an active mailbox) and doing the
 * create again converges; a create that fails after making the account removes it again.
 * The other order could leave a mailbox nobody can sign in to, which a retry (409
 * AlreadyExists) would never mend.
 */
export async function createUser(
  store: TenancyStore,
  identities: Identities,
  tiers: TierTable,
  tenant: Tenant,
  input: NewUser,
  now: Date,
): Promise<Mailbox> {
  const mailbox = newMailbox(tiers, tenant, input, now);
  // Someone else's address (in any tenant): refused before their account is touched.
  if (await store.getMailbox(mailbox.address)) {
    throw new AlreadyExistsError(`${mailbox.address} already exists`);
  }
  const { created } = await identities.putAccount(accountStateOf(mailbox));
  try {
    await store.createMailbox(mailbox, directoryEntriesOf(mailbox, tenant.name));
  } catch (error) {
    const winner = await store.getMailbox(mailbox.address).catch(() => undefined);
    if (winner) {
      // Created meanwhile (a concurrent create or import): the account follows that mailbox.
      await identities.putAccount(accountStateOf(winner));
    } else if (created) {
      await identities.deleteAccount(mailbox.address);
    }
    throw error;
  }
  return mailbox;
}

/**
 * Profile, add-on and leaving, as `by` (a tenant admin if absent). Leaving is one transaction
 * of its own (the other fields are ignored). Otherwise what can be checked is checked first
 * (the caller may, the user is active, the tenant is premium) and profile, directory and add-on
 * are written in one transaction that also holds the seat conditions, so a 409 changes nothing.
 *
 * The sign-in account follows after the table (its groups on a role change; disabled and signed
 * out for a leaver): the table is what every request checks, so a demotion or a leaver takes
 * effect at once even if the identity provider fails, and the same PATCH again finishes the
 * account (the table writes are idempotent, the account is set again every time).
 */
export async function updateUser(
  store: TenancyStore,
  identities: Identities,
  tiers: TierTable,
  tenant: Tenant,
  address: string,
  changes: UserChanges,
  now: Date,
  by?: Actor,
): Promise<Mailbox> {
  if (changes.role === 'platform-admin' && !(by && isPlatformAdmin(by.caller, by.own))) {
    throw new ForbiddenError('Only a platform admin may give the platform-admin role.');
  }
  for (let attempt = 1; ; attempt++) {
    const mailbox = await memberOf(store, tenant, address);
    requireMayManage(by, mailbox);
    if (changes.status === 'leaver') {
      // A leaver already (an earlier attempt): nothing is written, the account is still set.
      await store.markLeaver(
        mailbox.address,
        tenant.id,
        now.toISOString(),
        quotaFor(tiers, tenant.tier, false),
      );
      const left = await memberOf(store, tenant, mailbox.address);
      await identities.putAccount({ ...accountStateOf(left), groups: undefined });
      return left;
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
    if (written) {
      const user = await memberOf(store, tenant, mailbox.address);
      if (profile.role !== undefined) {
        await identities.putAccount(accountStateOf(user));
      }
      return user;
    }
    if (attempt >= UPDATE_ATTEMPTS) {
      throw new Error(`${mailbox.address}: the add-on kept changing during the update`);
    }
  }
}
