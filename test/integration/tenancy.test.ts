import type { Identities } from '@shared/sign-in/identities';
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError } from '@shared/errors/common-errors';
import type { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { searchDirectory } from '@shared/tenancy/directory';
import {
  DomainTakenError,
  ForeignDomainError,
  NoSeatLeftError,
  NotPremiumError,
  SeatsInUseError,
} from '@shared/tenancy/errors';
import { createTenant, updateTenant } from '@shared/tenancy/tenants';
import { DynamoTransferOffers } from '@shared/store/dynamo-transfer-offers';
import type { TransferOffer } from '@shared/tenancy/transfer-offer-store';
import { acceptTransfer, offerTransfer } from '@shared/tenancy/transfers';
import { createUser, updateUser } from '@shared/tenancy/users';
import { tenantUsage, usageCsv } from '@shared/tenancy/usage';
import type { LocalWorld } from '@test/support/local-world';
import {
  TEST_NOW,
  TINY_TIERS,
  plainCaller,
  tenantAdmin,
  useLocalWorld,
} from '@test/support/tenancy-fixtures';

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

const caller = plainCaller;

describe('tenants', () => {
  it('claims its domains; a domain of another tenant is DomainTaken and nothing is created', async () => {
    const first = await createTenant(
      store,
      { name: 'North Trust', tier: 'commodity', domains: ['north.test'], largeMailboxSeats: 0 },
      now,
    );
    await expect(
      createTenant(
        store,
        {
          name: 'Grabby',
          tier: 'commodity',
          domains: ['grabby.test', 'north.test'],
          largeMailboxSeats: 0,
        },
        now,
        't-grabby',
      ),
    ).rejects.toBeInstanceOf(DomainTakenError);

    expect(await world.store.findTenantIdByDomain('north.test')).toBe(first.id);
    expect(await world.store.findTenantIdByDomain('grabby.test')).toBeUndefined();
    expect(await store.getTenant('t-grabby')).toBeUndefined();
    const listed = await store.listTenants(100);
    expect(listed.items.map((t) => t.id)).toContain(first.id);
  });

  it('holds seats only on premium', async () => {
    await expect(
      createTenant(
        store,
        { name: 'Cheap', tier: 'commodity', domains: ['cheap.test'], largeMailboxSeats: 3 },
        now,
      ),
    ).rejects.toBeInstanceOf(NotPremiumError);
  });
});

describe('users', () => {
  it('get the tier quota, live on a tenant domain, and are unique', async () => {
    const tenant = await createTenant(
      store,
      { name: 'East', tier: 'commodity', domains: ['east.test'], largeMailboxSeats: 0 },
      now,
    );
    const user = await createUser(
      store,
      identities,
      tiers,
      tenant,
      { address: 'Ann.Lee@East.test', displayName: 'Ann Lee' },
      now,
    );
    expect(user).toMatchObject({
      address: 'ann.lee@east.test',
      quotaBytes: 1_000_000,
      role: 'user',
      status: 'active',
    });
    await expect(
      createUser(
        store,
        identities,
        tiers,
        tenant,
        { address: 'ann.lee@east.test', displayName: 'Again' },
        now,
      ),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(
      createUser(
        store,
        identities,
        tiers,
        tenant,
        { address: 'x@west.test', displayName: 'X' },
        now,
      ),
    ).rejects.toBeInstanceOf(ForeignDomainError);
    expect(await store.getMailbox('x@west.test')).toBeUndefined();
  });
});

describe('large-mailbox seats', () => {
  it('20 concurrent grants with 5 seats left give exactly 5, each with the large quota', async () => {
    const tenant = await createTenant(
      store,
      { name: 'Race', tier: 'premium', domains: ['race.test'], largeMailboxSeats: 7 },
      now,
    );
    const addresses = Array.from({ length: 22 }, (_, i) => `user${i}@race.test`);
    // At once: each create is also a sign-in account (a few emulator calls).
    await Promise.all(
      addresses.map((address) =>
        createUser(store, identities, tiers, tenant, { address, displayName: address }, now),
      ),
    );
    // Two seats taken before the race: 5 left.
    for (const address of addresses.slice(20))
      await updateUser(store, identities, tiers, tenant, address, { largeMailbox: true }, now);

    const results = await Promise.allSettled(
      addresses
        .slice(0, 20)
        .map((address) =>
          updateUser(store, identities, tiers, tenant, address, { largeMailbox: true }, now),
        ),
    );

    const granted = results.filter((r) => r.status === 'fulfilled' && r.value.largeMailbox);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(granted).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NoSeatLeftError);
    expect((await store.getTenant(tenant.id))?.largeMailboxSeatsUsed).toBe(7);
    const large = (await Promise.all(addresses.map((a) => store.getMailbox(a)))).filter(
      (m) => m?.largeMailbox,
    );
    expect(large).toHaveLength(7);
    for (const m of large) expect(m?.quotaBytes).toBe(50_000_000);
  });

  it('gives the seat back on taking the add-on away or leaving; never on a commodity tenant', async () => {
    const tenant = await createTenant(
      store,
      { name: 'Give', tier: 'premium', domains: ['give.test'], largeMailboxSeats: 1 },
      now,
    );
    await createUser(
      store,
      identities,
      tiers,
      tenant,
      { address: 'a@give.test', displayName: 'A' },
      now,
    );
    await createUser(
      store,
      identities,
      tiers,
      tenant,
      { address: 'b@give.test', displayName: 'B' },
      now,
    );
    await updateUser(store, identities, tiers, tenant, 'a@give.test', { largeMailbox: true }, now);
    await expect(
      updateUser(store, identities, tiers, tenant, 'b@give.test', { largeMailbox: true }, now),
    ).rejects.toBeInstanceOf(NoSeatLeftError);
    const back = await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'a@give.test',
      { largeMailbox: false },
      now,
    );
    expect(back).toMatchObject({ largeMailbox: false, quotaBytes: 2_000_000 });
    await updateUser(store, identities, tiers, tenant, 'b@give.test', { largeMailbox: true }, now);
    await expect(
      updateTenant(store, tiers, tenant, { largeMailboxSeats: 0 }),
    ).rejects.toBeInstanceOf(SeatsInUseError);
    const left = await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'b@give.test',
      { status: 'leaver' },
      now,
    );
    expect(left).toMatchObject({
      status: 'leaver',
      leftAt: now.toISOString(),
      largeMailbox: false,
    });
    expect((await store.getTenant(tenant.id))?.largeMailboxSeatsUsed).toBe(0);

    const commodity = await createTenant(
      store,
      { name: 'Plain', tier: 'commodity', domains: ['plain.test'], largeMailboxSeats: 0 },
      now,
    );
    await createUser(
      store,
      identities,
      tiers,
      commodity,
      { address: 'c@plain.test', displayName: 'C' },
      now,
    );
    await expect(
      updateUser(store, identities, tiers, commodity, 'c@plain.test', { largeMailbox: true }, now),
    ).rejects.toBeInstanceOf(NotPremiumError);
  });
});

describe('tier changes and transfers', () => {
  it('a tier change sets every member quota from the tier table', async () => {
    const tenant = await createTenant(
      store,
      { name: 'Up', tier: 'commodity', domains: ['up.test'], largeMailboxSeats: 0 },
      now,
    );
    for (const n of [1, 2, 3])
      await createUser(
        store,
        identities,
        tiers,
        tenant,
        { address: `u${n}@up.test`, displayName: `U${n}` },
        now,
      );
    const result = await updateTenant(store, tiers, tenant, {
      tier: 'premium',
      largeMailboxSeats: 2,
    });
    expect(result).toMatchObject({
      quotasUpdated: 3,
      tenant: { tier: 'premium', largeMailboxSeats: 2 },
    });
    expect((await store.getMailbox('u2@up.test'))?.quotaBytes).toBe(2_000_000);
  });

  it('moves a user with their address, showing the quota and seat change first', async () => {
    const from = await createTenant(
      store,
      { name: 'Old', tier: 'premium', domains: ['old.test'], largeMailboxSeats: 1 },
      now,
    );
    const to = await createTenant(
      store,
      { name: 'New', tier: 'commodity', domains: ['new.test'], largeMailboxSeats: 0 },
      now,
    );
    await createUser(
      store,
      identities,
      tiers,
      from,
      { address: 'mover@old.test', displayName: 'Mo Ver' },
      now,
    );
    await updateUser(store, identities, tiers, from, 'mover@old.test', { largeMailbox: true }, now);

    const offers = new DynamoTransferOffers(world.documents, world.names.table);
    const request = { address: 'mover@old.test', toTenantId: to.id };
    const sender = tenantAdmin('boss@old.test', from.id);
    const plan = await offerTransfer(
      offers,
      tiers,
      from,
      { ...request, dryRun: true },
      sender,
      now,
    );
    expect(plan).toMatchObject({
      applied: false,
      seatReturned: true,
      from: { tenantId: from.id, quotaBytes: 50_000_000, largeMailbox: true },
      to: { tenantId: to.id, quotaBytes: 1_000_000 },
    });
    expect((await store.getMailbox('mover@old.test'))?.tenantId).toBe(from.id);

    const offer = (await offerTransfer(
      offers,
      tiers,
      from,
      { ...request, dryRun: false },
      sender,
      now,
    )) as TransferOffer;
    const receiver = tenantAdmin('boss@new.test', to.id);
    const done = await acceptTransfer(
      offers,
      identities,
      tiers,
      to,
      offer.id,
      false,
      receiver,
      now,
    );
    expect(done.applied).toBe(true);
    expect(await store.getMailbox('mover@old.test')).toMatchObject({
      tenantId: to.id,
      quotaBytes: 1_000_000,
      largeMailbox: false,
    });
    expect((await store.getTenant(from.id))?.largeMailboxSeatsUsed).toBe(0);
    const dir = await searchDirectory(store, caller('x@new.test', to.id), {
      q: 'mo',
      scope: 'tenant',
      limit: 5,
    });
    expect(dir.items).toEqual([
      { address: 'mover@old.test', displayName: 'Mo Ver', organisation: 'New' },
    ]);
    expect((await tenantUsage(store, to, now)).registeredUsers).toBe(1);
    expect((await tenantUsage(store, from, now)).registeredUsers).toBe(0);
  });
});

describe('usage', () => {
  it('counts registered, active (seen in 30 days) and leavers, seats and storage', async () => {
    const tenant = await createTenant(
      store,
      { name: 'Bill, "Co"', tier: 'premium', domains: ['bill.test'], largeMailboxSeats: 4 },
      now,
    );
    for (const n of [1, 2, 3])
      await createUser(
        store,
        identities,
        tiers,
        tenant,
        { address: `b${n}@bill.test`, displayName: `B${n}` },
        now,
      );
    await updateUser(store, identities, tiers, tenant, 'b1@bill.test', { largeMailbox: true }, now);
    await updateUser(store, identities, tiers, tenant, 'b3@bill.test', { status: 'leaver' }, now);
    await world.store.markSeen(
      'b1@bill.test',
      '2026-11-19T09:00:00.000Z',
      '2026-11-19T08:00:00.000Z',
    );
    await world.store.markSeen(
      'b2@bill.test',
      '2026-09-01T09:00:00.000Z',
      '2026-09-01T08:00:00.000Z',
    );

    const usage = await tenantUsage(store, (await store.getTenant(tenant.id))!, now);
    expect(usage).toMatchObject({
      registeredUsers: 2,
      activeUsers: 1,
      leavers: 1,
      largeMailboxSeats: 4,
      largeMailboxSeatsUsed: 1,
      storageUsedBytes: 0,
      quotaAllocatedBytes: 50_000_000 + 2_000_000,
    });
    const csv = usageCsv([usage]).split('\r\n');
    expect(csv[0]).toBe(
      'tenantId,name,tier,registeredUsers,activeUsers,leavers,largeMailboxSeats,largeMailboxSeatsUsed,storageUsedBytes,quotaAllocatedBytes',
    );
    expect(csv[1]).toBe(`${tenant.id},"Bill, ""Co""",premium,2,1,1,4,1,0,52000000`);
  });
});
