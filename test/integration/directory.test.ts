import type { Identities } from '@shared/sign-in/identities';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTiers } from '@shared/config/tiers';
import type { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { searchDirectory } from '@shared/tenancy/directory';
import { createTenant } from '@shared/tenancy/tenants';
import { createUser, updateUser } from '@shared/tenancy/users';
import { TEST_NOW, plainCaller, useLocalWorld } from '@test/support/tenancy-fixtures';

const tiers = resolveTiers({ commodity: { mailboxBytes: 1_000_000 } });
const now = TEST_NOW;

let store: DynamoTenancyStore;
let identities: Identities;
useLocalWorld((started) => {
  store = started.tenancy;
  identities = started.identities;
});

const caller = plainCaller;

describe('the directory', () => {
  let tenantId: string;
  beforeAll(async () => {
    const a = await createTenant(
      store,
      { name: 'Dir A', tier: 'commodity', domains: ['dira.test'], largeMailboxSeats: 0 },
      now,
    );
    const b = await createTenant(
      store,
      { name: 'Dir B', tier: 'commodity', domains: ['dirb.test'], largeMailboxSeats: 0 },
      now,
    );
    tenantId = a.id;
    await createUser(
      store,
      identities,
      tiers,
      a,
      { address: 'zoe.jonsson@dira.test', displayName: 'Zoë Jönsson', jobTitle: 'Ward sister' },
      now,
    );
    await createUser(
      store,
      identities,
      tiers,
      a,
      { address: 'zack@dira.test', displayName: 'Zack Quill' },
      now,
    );
    await createUser(
      store,
      identities,
      tiers,
      b,
      { address: 'zora@dirb.test', displayName: 'Zora Quince' },
      now,
    );
  });

  it('finds active users by name, last name or address prefix, accents ignored', async () => {
    const me = caller('zack@dira.test', tenantId);
    const byName = await searchDirectory(store, me, { q: 'zoe', scope: 'tenant', limit: 10 });
    expect(byName.items).toEqual([
      {
        address: 'zoe.jonsson@dira.test',
        displayName: 'Zoë Jönsson',
        organisation: 'Dir A',
        jobTitle: 'Ward sister',
      },
    ]);
    const byLastName = await searchDirectory(store, me, { q: 'jons', scope: 'tenant', limit: 10 });
    expect(byLastName.items.map((i) => i.address)).toEqual(['zoe.jonsson@dira.test']);
  });

  it('keeps the tenant scope to the tenant, and the national scope to everyone', async () => {
    const me = caller('zack@dira.test', tenantId);
    const tenant = await searchDirectory(store, me, { q: 'qu', scope: 'tenant', limit: 10 });
    expect(tenant.items.map((i) => i.address)).toEqual(['zack@dira.test']);
    const national = await searchDirectory(store, me, { q: 'qu', scope: 'national', limit: 10 });
    expect(national.items.map((i) => i.address).sort()).toEqual([
      'zack@dira.test',
      'zora@dirb.test',
    ]);
  });

  it('pages with a cursor that only works for its own query', async () => {
    const me = caller('zack@dira.test', tenantId);
    const first = await searchDirectory(store, me, { q: 'qu', scope: 'national', limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await searchDirectory(store, me, {
      q: 'qu',
      scope: 'national',
      limit: 1,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.address).not.toBe(first.items[0]?.address);
    await expect(
      searchDirectory(store, me, {
        q: 'qu',
        scope: 'tenant',
        limit: 1,
        cursor: first.nextCursor ?? '',
      }),
    ).rejects.toMatchObject({ code: 'InvalidCursor' });
  });

  it('forgets a leaver and follows a new name', async () => {
    const me = caller('zack@dira.test', tenantId);
    const tenant = await store.getTenant(tenantId);
    if (!tenant) throw new Error('no tenant');
    await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'zoe.jonsson@dira.test',
      { displayName: 'Zoë Smith' },
      now,
    );
    expect(
      (await searchDirectory(store, me, { q: 'jons', scope: 'tenant', limit: 10 })).items,
    ).toEqual([]);
    expect(
      (await searchDirectory(store, me, { q: 'smi', scope: 'national', limit: 10 })).items.map(
        (i) => i.displayName,
      ),
    ).toEqual(['Zoë Smith']);
    await updateUser(
      store,
      identities,
      tiers,
      tenant,
      'zoe.jonsson@dira.test',
      { status: 'leaver' },
      now,
    );
    expect(
      (await searchDirectory(store, me, { q: 'zo', scope: 'national', limit: 10 })).items.map(
        (i) => i.address,
      ),
    ).toEqual(['zora@dirb.test']);
  });
});
