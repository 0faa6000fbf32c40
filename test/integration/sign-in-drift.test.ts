import { describe, expect, it } from 'vitest';
import type { LocalWorld } from '@test/support/local-world';
import { TEST_NOW, TINY_TIERS, useLocalWorld } from '@test/support/tenancy-fixtures';
import { findAccountDrift } from '@shared/sign-in/account-drift';
import { DynamoMailboxAccounts } from '@shared/store/dynamo-mailbox-accounts';
import { createTenant } from '@shared/tenancy/tenants';
import { createUser, updateUser } from '@shared/tenancy/users';

let world: LocalWorld;
useLocalWorld((started) => {
  world = started;
});

const drift = () =>
  findAccountDrift(new DynamoMailboxAccounts(world.documents, world.names.table), world.identities);

describe('reconcile of the directory and the user pool', () => {
  it('finds nothing when every change went through both', async () => {
    const tenant = await createTenant(
      world.tenancy,
      { name: 'Both', tier: 'commodity', domains: ['both.test'], largeMailboxSeats: 0 },
      TEST_NOW,
    );
    const { tenancy, identities } = world;
    await createUser(
      tenancy,
      identities,
      TINY_TIERS,
      tenant,
      { address: 'a@both.test', displayName: 'A', role: 'tenant-admin' },
      TEST_NOW,
    );
    await createUser(
      tenancy,
      identities,
      TINY_TIERS,
      tenant,
      { address: 'b@both.test', displayName: 'B' },
      TEST_NOW,
    );
    await updateUser(
      tenancy,
      identities,
      TINY_TIERS,
      tenant,
      'b@both.test',
      { status: 'leaver' },
      TEST_NOW,
    );
    expect((await drift()).drift).toEqual([]);
  });

  it('reports a mailbox the table has and the user pool lacks, and the other way round', async () => {
    await world.addTenant('drift', ['drift.test']);
    // Written to the table alone, as a create whose identity step never ran would leave it.
    await world.addMailbox('ghost@drift.test', 'drift');
    await world.identities.putAccount({
      address: 'stray@drift.test',
      tenantId: 'drift',
      enabled: true,
    });
    await world.identities.putAccount({
      address: 'a@both.test',
      tenantId: 'drift',
      groups: [],
      enabled: true,
    });

    const report = await drift();
    expect(report.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ address: 'ghost@drift.test', problem: 'no-account' }),
        expect.objectContaining({ address: 'stray@drift.test', problem: 'no-mailbox' }),
        expect.objectContaining({
          address: 'a@both.test',
          problem: 'tenant',
          identityProvider: 'drift',
        }),
        expect.objectContaining({
          address: 'a@both.test',
          problem: 'groups',
          directory: 'tenant-admin',
        }),
      ]),
    );
    expect(report.drift).toHaveLength(4);
  });
});
