import type { TierTable } from '@shared/config/tiers';
import { AlreadyExistsError, type MailStore } from '@shared/mailbox/mail-store';
import type { Mailbox, Tenant } from '@shared/mailbox/model';

export const DEMO_TENANT_ID = 'demo';
export const DEMO_DOMAIN = 'demo.test';
/** `.test` is reserved (RFC 2606): no real mail can ever be meant for these addresses. */
export const DEMO_USERS = [
  { address: `alice@${DEMO_DOMAIN}`, displayName: 'Alice Example' },
  { address: `bob@${DEMO_DOMAIN}`, displayName: 'Bob Example' },
] as const;

async function unlessThere(create: () => Promise<void>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
}

/**
 * Gives a fresh local install something to send mail to: tenant `demo` on `demo.test` with
 * two ordinary users. Safe to run on every start; what is there already is left alone.
 */
export async function seedDemoTenant(
  store: Pick<MailStore, 'createTenant' | 'createMailbox'>,
  tiers: TierTable,
  now: Date = new Date(),
): Promise<void> {
  const tenant: Tenant = {
    id: DEMO_TENANT_ID,
    name: 'Demo NHS Trust',
    tier: 'commodity',
    domains: [DEMO_DOMAIN],
    largeMailboxSeats: 0,
    createdAt: now.toISOString(),
  };
  await unlessThere(() => store.createTenant(tenant));
  for (const user of DEMO_USERS) {
    const mailbox: Mailbox = {
      address: user.address,
      tenantId: DEMO_TENANT_ID,
      displayName: user.displayName,
      role: 'user',
      status: 'active',
      quotaBytes: tiers[tenant.tier].mailboxBytes,
      usedBytes: 0,
      messageCount: 0,
      createdAt: now.toISOString(),
    };
    await unlessThere(() => store.createMailbox(mailbox));
  }
}
