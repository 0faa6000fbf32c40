import { describe, expect, it } from 'vitest';
import { findAccountDrift } from '@shared/sign-in/account-drift';
import { DynamoMailboxAccounts } from '@shared/store/dynamo-mailbox-accounts';
import { DynamoTransferOffers } from '@shared/store/dynamo-transfer-offers';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { createTenant } from '@shared/tenancy/tenants';
import type { TransferOffer, TransferOfferStore } from '@shared/tenancy/transfer-offer-store';
import { acceptTransfer, closeTransfer, offerTransfer } from '@shared/tenancy/transfers';
import { createUser } from '@shared/tenancy/users';
import type { LocalWorld } from '@test/support/local-world';
import { TEST_NOW, TINY_TIERS, tenantAdmin, useLocalWorld } from '@test/support/tenancy-fixtures';

let world: LocalWorld;
useLocalWorld((started) => {
  world = started;
});

/** The real store, with one write failing as a lost race or an outage would make it fail. */
function failing(method: 'createMailbox'): TenancyStore {
  const store = Object.create(world.tenancy) as TenancyStore;
  store[method] = async () => {
    throw new Error(`${method} failed`);
  };
  return store;
}

/** The real offer store, whose accept write is replaced by `acceptOffer`. */
function offersWith(acceptOffer: TransferOfferStore['acceptOffer']): TransferOfferStore {
  const offers = Object.create(
    new DynamoTransferOffers(world.documents, world.names.table),
  ) as TransferOfferStore;
  offers.acceptOffer = acceptOffer;
  return offers;
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

  /** Tenants `<name>-from.test` and `<name>-to.test`, and mo offered from one to the other. */
  async function offered(name: string) {
    const from = await newTenant(`${name} From`, `${name}-from.test`);
    const to = await newTenant(`${name} To`, `${name}-to.test`);
    const address = `mo@${name}-from.test`;
    await createUser(
      world.tenancy,
      world.identities,
      TINY_TIERS,
      from,
      { address, displayName: 'Mo' },
      TEST_NOW,
    );
    const offers = new DynamoTransferOffers(world.documents, world.names.table);
    const sender = tenantAdmin(`boss@${name}-from.test`, from.id);
    const offer = (await offerTransfer(
      offers,
      TINY_TIERS,
      from,
      { address, toTenantId: to.id, dryRun: false },
      sender,
      TEST_NOW,
    )) as TransferOffer;
    const accept = (store: TransferOfferStore) =>
      acceptTransfer(
        store,
        world.identities,
        TINY_TIERS,
        to,
        offer.id,
        false,
        tenantAdmin(`boss@${name}-to.test`, to.id),
        TEST_NOW,
      );
    return { from, offers, sender, offer, accept };
  }

  it('an accepted transfer puts the account back in the tenant the table still says', async () => {
    const { accept } = await offered('failed-accept');
    const failingAccept = offersWith(async () => {
      throw new Error('acceptOffer failed');
    });
    await expect(accept(failingAccept)).rejects.toThrow('acceptOffer failed');
    expect(await drift()).toEqual([]);
  });

  it('so does an accept refused because the offer was withdrawn meanwhile', async () => {
    const { from, offers, sender, offer, accept } = await offered('withdrawn-accept');
    const withdrawnFirst = offersWith(async (...args) => {
      await closeTransfer(offers, from, offer.id, 'from', sender, TEST_NOW);
      return offers.acceptOffer(...args);
    });
    await expect(accept(withdrawnFirst)).rejects.toMatchObject({ code: 'OfferNotOpen' });
    expect(await drift()).toEqual([]);
  });
});
