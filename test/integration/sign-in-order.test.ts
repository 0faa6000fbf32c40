import { describe, expect, it } from 'vitest';
import { findAccountDrift } from '@shared/sign-in/account-drift';
import { DynamoMailboxAccounts } from '@shared/store/dynamo-mailbox-accounts';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { createTenant } from '@shared/tenancy/tenants';
import { createUser, transferUser } from '@shared/tenancy/users';
import type { LocalWorld } from '@test/support/local-world';
import { TEST_NOW, TINY_TIERS, useLocalWorld } from '@test/support/tenancy-fixtures';

let world: LocalWorld;
useLocalWorld((started) => {
  world = started;
});

/** The real store, with one write failing as a lost race or an outage would make it fail. */
function failing(method: 'createMailbox' | 'transferMailbox'): TenancyStore {
  const store = Object.create(world.tenancy) as TenancyStore;
  store[method] = async () => {
    throw new Error(`${method} failed`);
  };
  return store;
}

const drift = async () =>
  (
    await findAccountDrift(
      new DynamoMailboxAccounts(world.documents, world.names.table),
      world.identities,
    )
  ).drift;

const newTenant = (name: string, domain: string) =>
  createTenant(
    world.tenancy,
    { name, tier: 'commodity', domains: [domain], largeMailboxSeats: 0 },
    TEST_NOW,
  );

describe('a tenancy write the table refuses after the account was written', () => {
  it('a create takes back the account it made, so nothing disagrees', async () => {
    const tenant = await newTenant('Refused', 'refused.test');
    await expect(
      createUser(
        failing('createMailbox'),
        world.identities,
        TINY_TIERS,
        tenant,
        { address: 'nobody@refused.test', displayName: 'No Body' },
        TEST_NOW,
      ),
    ).rejects.toThrow('createMailbox failed');
    expect(await drift()).toEqual([]);
    // And the same create again succeeds in full.
    await createUser(
      world.tenancy,
      world.identities,
      TINY_TIERS,
      tenant,
      { address: 'nobody@refused.test', displayName: 'No Body' },
      TEST_NOW,
    );
    expect(await drift()).toEqual([]);
  });

  it('a transfer puts the account back in the tenant the table still says', async () => {
    const from = await newTenant('From', 'from-order.test');
    const to = await newTenant('To', 'to-order.test');
    await createUser(
      world.tenancy,
      world.identities,
      TINY_TIERS,
      from,
      { address: 'mo@from-order.test', displayName: 'Mo' },
      TEST_NOW,
    );
    await expect(
      transferUser(
        failing('transferMailbox'),
        world.identities,
        TINY_TIERS,
        from,
        'mo@from-order.test',
        to.id,
        false,
      ),
    ).rejects.toThrow('transferMailbox failed');
    expect(await drift()).toEqual([]);
  });
});
