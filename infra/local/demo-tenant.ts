import type { TierTable } from '@shared/config/tiers';
import { AlreadyExistsError } from '@shared/errors/common-errors';
import type { Tenant } from '@shared/tenancy/model';
import { accountStateOf, type Identities } from '@shared/sign-in/identities';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { directoryEntriesOf } from '@shared/tenancy/directory-terms';
import { createUser, newMailbox } from '@shared/tenancy/users';

export const DEMO_TENANT_ID = 'demo';
export const DEMO_DOMAIN = 'demo.test';
/** `.test` is reserved (RFC 2606): no real mail can ever be meant for these addresses. */
export const DEMO_USERS = [
  { address: `alice@${DEMO_DOMAIN}`, displayName: 'Alice Example' },
  { address: `bob@${DEMO_DOMAIN}`, displayName: 'Bob Example' },
] as const;
/**
 * The local platform operator. Platform rights need the `platform-admin` group in the token and
 * that role stored on the operator's own mailbox, so the seed stores it (in AWS, a platform
 * admin sets it with `PATCH /tenants/{tenantId}/users/{address} { "role": "platform-admin" }`).
 */
export const DEMO_OPERATOR = { address: `ops@${DEMO_DOMAIN}`, displayName: 'Demo Operator' };

async function unlessThere(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
}

/**
 * Gives a fresh local install something to send mail to: tenant `demo` (commodity) on
 * `demo.test` with two ordinary users and a platform operator, created as the tenant admin API
 * creates them (directory and member listing included), sign-in accounts too (the operator's
 * in the platform-admin group). Safe to run on every start; what is there already is left
 * alone, except that each demo account is set to what the directory says (a data dir from
 * before the emulator, or one whose emulator data was removed).
 */
export async function seedDemoTenant(
  store: TenancyStore,
  identities: Identities,
  tiers: TierTable,
  now: Date = new Date(),
): Promise<void> {
  const tenant: Tenant = {
    id: DEMO_TENANT_ID,
    name: 'Demo NHS Trust',
    tier: 'commodity',
    domains: [DEMO_DOMAIN],
    largeMailboxSeats: 0,
    largeMailboxSeatsUsed: 0,
    createdAt: now.toISOString(),
  };
  await unlessThere(() => store.createTenant(tenant));
  for (const user of DEMO_USERS) {
    await unlessThere(() => createUser(store, identities, tiers, tenant, user, now));
    const mailbox = await store.getMailbox(user.address);
    if (mailbox) await identities.putAccount(accountStateOf(mailbox));
  }
  const operator = {
    ...newMailbox(tiers, tenant, DEMO_OPERATOR, now),
    role: 'platform-admin' as const,
  };
  await unlessThere(() => store.createMailbox(operator, directoryEntriesOf(operator, tenant.name)));
  const stored = await store.getMailbox(operator.address);
  if (stored) await identities.putAccount(accountStateOf(stored));
}
