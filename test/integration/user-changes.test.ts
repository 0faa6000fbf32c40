import type { Identities } from '@shared/sign-in/identities';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Tenant } from '@shared/tenancy/model';
import type { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { keys } from '@shared/store/keys';
import { NoSeatLeftError, NotPremiumError } from '@shared/tenancy/errors';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { createTenant, updateTenant } from '@shared/tenancy/tenants';
import { DynamoTransferOffers } from '@shared/store/dynamo-transfer-offers';
import type { TransferOffer } from '@shared/tenancy/transfer-offer-store';
import { acceptTransfer, offerTransfer } from '@shared/tenancy/transfers';
import { createUser, updateUser } from '@shared/tenancy/users';
import type { LocalWorld } from '@test/support/local-world';
import { TEST_NOW, TINY_TIERS, tenantAdmin, useLocalWorld } from '@test/support/tenancy-fixtures';

const tiers = TINY_TIERS;
const now = TEST_NOW;

let world: LocalWorld;
let store: DynamoTenancyStore;
let identities: Identities;
useLocalWorld((started) => {
  world = started;
  store = started.tenancy;
  identities = started.identities;
});

/** Every item of a mailbox's partition (profile, folders, directory entries), as stored. */
async function partitionOf(address: string): Promise<string> {
  const result = await world.documents.send(
    new QueryCommand({
      TableName: world.names.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK },
    }),
  );
  return JSON.stringify(result.Items);
}

async function tenantWithUsers(
  name: string,
  tier: Tenant['tier'],
  seats: number,
  addresses: string[],
): Promise<Tenant> {
  const domain = addresses[0]!.split('@')[1]!;
  const tenant = await createTenant(
    store,
    { name, tier, domains: [domain], largeMailboxSeats: seats },
    now,
  );
  for (const address of addresses) {
    await createUser(
      store,
      identities,
      tiers,
      tenant,
      { address, displayName: `Was ${address}` },
      now,
    );
  }
  return tenant;
}

/** Sets a tenant's seat counter behind the API's back: the drift reconcile exists for. */
async function driftSeatCounter(tenantId: string, used: number): Promise<void> {
  await world.documents.send(
    new UpdateCommand({
      TableName: world.names.table,
      Key: keys.tenant(tenantId),
      UpdateExpression: 'SET largeMailboxSeatsUsed = :used',
      ExpressionAttributeValues: { ':used': used },
    }),
  );
}

describe('a PATCH that is refused', () => {
  it('changes nothing when the tenant is not premium (409 NotPremium)', async () => {
    const tenant = await tenantWithUsers('Plain', 'commodity', 0, ['pat@plain-patch.test']);
    const before = await partitionOf('pat@plain-patch.test');

    await expect(
      updateUser(
        store,
        identities,
        tiers,
        tenant,
        'pat@plain-patch.test',
        { displayName: 'Xavier New', jobTitle: 'Changed', largeMailbox: true },
        now,
      ),
    ).rejects.toBeInstanceOf(NotPremiumError);

    expect(await partitionOf('pat@plain-patch.test')).toBe(before);
  });

  it('changes nothing when no seat is left (409 NoSeatLeft), even on a stale read of the tenant', async () => {
    // `tenant` is as created (no seat used); the only seat goes to someone else afterwards.
    const tenant = await tenantWithUsers('Full', 'premium', 1, [
      'holder@full-patch.test',
      'pat@full-patch.test',
    ]);
    await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'holder@full-patch.test',
      { largeMailbox: true },
      now,
    );
    const before = await partitionOf('pat@full-patch.test');
    const tenantBefore = await store.getTenant(tenant.id);

    await expect(
      updateUser(
        store,
        identities,
        tiers,
        tenant,
        'pat@full-patch.test',
        { displayName: 'Xavier New', largeMailbox: true },
        now,
      ),
    ).rejects.toBeInstanceOf(NoSeatLeftError);

    expect(await partitionOf('pat@full-patch.test')).toBe(before);
    expect(await store.getTenant(tenant.id)).toEqual(tenantBefore);
  });

  it('while a PATCH that holds applies the profile and the add-on together', async () => {
    const tenant = await tenantWithUsers('Room', 'premium', 1, ['pat@room-patch.test']);
    const user = await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'pat@room-patch.test',
      { displayName: 'Xavier New', largeMailbox: true },
      now,
    );
    expect(user).toMatchObject({
      displayName: 'Xavier New',
      largeMailbox: true,
      quotaBytes: 50_000_000,
    });
    expect(await partitionOf('pat@room-patch.test')).toContain('xavier new');
    expect((await store.getTenant(tenant.id))?.largeMailboxSeatsUsed).toBe(1);
  });
});

describe('a tier change racing a seat grant', () => {
  it('does not overwrite the quota of a member granted the add-on after the member list was read', async () => {
    const tenant = await tenantWithUsers('Upgrade', 'commodity', 0, ['gus@race-tier.test']);
    // The tier change lists its members (the add-on not yet granted) ...
    const stalePage = await store.listMembers(tenant.id, 100);
    expect(stalePage.items[0]).toMatchObject({ largeMailbox: false, quotaBytes: 1_000_000 });
    // ... the tenant turns premium and, before the member's quota is set, Gus gets a seat.
    const premium = await store.updateTenant(tenant.id, { tier: 'premium', largeMailboxSeats: 1 });
    await updateUser(
      store,
      identities,
      tiers,
      premium,
      'gus@race-tier.test',
      { largeMailbox: true },
      now,
    );
    const listingFirst: TenancyStore = Object.assign(Object.create(store) as TenancyStore, {
      listMembers: async () => stalePage,
    });

    await updateTenant(listingFirst, tiers, premium, { tier: 'premium' });

    expect(await store.getMailbox('gus@race-tier.test')).toMatchObject({
      largeMailbox: true,
      quotaBytes: 50_000_000,
    });
  });

  it('sets a quota only while the add-on flag is what the caller read', async () => {
    const tenant = await tenantWithUsers('Flag', 'premium', 1, ['fay@flag-tier.test']);
    await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'fay@flag-tier.test',
      { largeMailbox: true },
      now,
    );
    expect(await store.setQuota('fay@flag-tier.test', tenant.id, 2_000_000, false)).toBe(false);
    expect((await store.getMailbox('fay@flag-tier.test'))?.quotaBytes).toBe(50_000_000);
    expect(await store.setQuota('fay@flag-tier.test', tenant.id, 60_000_000, true)).toBe(true);
  });
});

describe('a seat counter that drifted to 0 while a mailbox holds the add-on', () => {
  it('still lets the user leave: leaver, add-on cleared, quota lowered, counter left at 0', async () => {
    const tenant = await tenantWithUsers('Drift', 'premium', 2, ['lee@drift-leave.test']);
    await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'lee@drift-leave.test',
      { largeMailbox: true },
      now,
    );
    await driftSeatCounter(tenant.id, 0);

    const left = await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'lee@drift-leave.test',
      { status: 'leaver' },
      now,
    );

    expect(left).toMatchObject({ status: 'leaver', largeMailbox: false, quotaBytes: 2_000_000 });
    expect((await store.getTenant(tenant.id))?.largeMailboxSeatsUsed).toBe(0);
  });

  it('still takes the add-on away when asked', async () => {
    const tenant = await tenantWithUsers('Drift2', 'premium', 2, ['rae@drift-revoke.test']);
    await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'rae@drift-revoke.test',
      { largeMailbox: true },
      now,
    );
    await driftSeatCounter(tenant.id, 0);

    const user = await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'rae@drift-revoke.test',
      { largeMailbox: false },
      now,
    );

    expect(user).toMatchObject({ largeMailbox: false, quotaBytes: 2_000_000 });
    expect((await store.getTenant(tenant.id))?.largeMailboxSeatsUsed).toBe(0);
  });
});

describe('a transfer', () => {
  it('lands the user as a plain user: a tenant admin’s role does not travel', async () => {
    const from = await tenantWithUsers('From', 'commodity', 0, ['bob@from-role.test']);
    const to = await tenantWithUsers('To', 'commodity', 0, ['someone@to-role.test']);
    await updateUser(
      store,
      identities,
      tiers,
      from,
      'bob@from-role.test',
      { role: 'tenant-admin' },
      now,
    );

    const offers = new DynamoTransferOffers(world.documents, world.names.table);
    const request = { address: 'bob@from-role.test', toTenantId: to.id, dryRun: false };
    const sender = tenantAdmin('boss@from-role.test', from.id);
    const offer = await offerTransfer(offers, tiers, from, request, sender, now);
    const receiver = tenantAdmin('boss@to-role.test', to.id);
    await acceptTransfer(
      offers,
      identities,
      tiers,
      to,
      (offer as TransferOffer).id,
      false,
      receiver,
      now,
    );

    expect(await store.getMailbox('bob@from-role.test')).toMatchObject({
      tenantId: to.id,
      role: 'user',
    });
  });
});
