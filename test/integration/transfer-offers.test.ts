import { describe, expect, it } from 'vitest';
import type { Identities } from '@shared/sign-in/identities';
import { DynamoTransferOffers } from '@shared/store/dynamo-transfer-offers';
import type { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import type { Tenant } from '@shared/tenancy/model';
import { createTenant } from '@shared/tenancy/tenants';
import type { TransferOffer, TransferOfferStore } from '@shared/tenancy/transfer-offer-store';
import {
  acceptTransfer,
  closeTransfer,
  getTransfer,
  listTransfers,
  offerTransfer,
  OFFER_LIFETIME_MS,
} from '@shared/tenancy/transfers';
import { createUser, updateUser } from '@shared/tenancy/users';
import type { LocalWorld } from '@test/support/local-world';
import { mentions, racingDocuments } from '@test/support/racing-documents';
import { TEST_NOW, TINY_TIERS, tenantAdmin, useLocalWorld } from '@test/support/tenancy-fixtures';

const tiers = TINY_TIERS;
const now = TEST_NOW;

let store: DynamoTenancyStore;
let offers: DynamoTransferOffers;
let identities: Identities;
let world: LocalWorld;
useLocalWorld((started) => {
  world = started;
  store = started.tenancy;
  identities = started.identities;
  offers = new DynamoTransferOffers(started.documents, started.names.table);
});

/** A sending (premium, one seat) and a receiving (commodity) tenant, and a user to move. */
async function scene(name: string) {
  const from = await createTenant(
    store,
    { name: `${name} From`, tier: 'premium', domains: [`${name}-from.test`], largeMailboxSeats: 1 },
    now,
  );
  const to = await createTenant(
    store,
    { name: `${name} To`, tier: 'commodity', domains: [`${name}-to.test`], largeMailboxSeats: 0 },
    now,
  );
  const address = `mover@${name}-from.test`;
  await createUser(store, identities, tiers, from, { address, displayName: 'Mo Ver' }, now);
  await updateUser(store, identities, tiers, from, address, { largeMailbox: true }, now);
  const sender = tenantAdmin(`boss@${name}-from.test`, from.id);
  const receiver = tenantAdmin(`boss@${name}-to.test`, to.id);
  const offer = async (at = now) =>
    (await offerTransfer(
      offers,
      tiers,
      from,
      { address, toTenantId: to.id, dryRun: false },
      sender,
      at,
    )) as TransferOffer;
  return { from, to, address, sender, receiver, offer };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no refusal',
    (e) => e.code,
  );

describe('a transfer offer', () => {
  it('moves nothing until the receiving tenant accepts; both sides see the plan first', async () => {
    const { from, to, address, receiver, offer } = await scene('consent');

    const offered = await offer();
    expect(offered).toMatchObject({
      status: 'open',
      fromTenantId: from.id,
      toTenantId: to.id,
      offeredBy: `boss@consent-from.test`,
      expiresAt: new Date(now.getTime() + OFFER_LIFETIME_MS).toISOString(),
      plan: {
        seatReturned: true,
        from: { tenantId: from.id, quotaBytes: 50_000_000, largeMailbox: true },
        to: { tenantId: to.id, quotaBytes: 1_000_000, largeMailbox: false },
      },
    });
    expect((await store.getMailbox(address))?.tenantId).toBe(from.id);
    for (const tenant of [from, to]) {
      const page = await listTransfers(offers, tenant, { limit: 10 });
      expect(page.items.map((o) => [o.id, o.plan.to.quotaBytes])).toEqual([
        [offered.id, 1_000_000],
      ]);
    }

    const preview = await acceptTransfer(
      offers,
      identities,
      tiers,
      to,
      offered.id,
      true,
      receiver,
      now,
    );
    expect(preview).toMatchObject({ applied: false, seatReturned: true });
    expect((await store.getMailbox(address))?.tenantId).toBe(from.id);

    const done = await acceptTransfer(
      offers,
      identities,
      tiers,
      to,
      offered.id,
      false,
      receiver,
      now,
    );
    expect(done).toMatchObject({ applied: true, to: { tenantId: to.id } });
    expect(await store.getMailbox(address)).toMatchObject({
      tenantId: to.id,
      quotaBytes: 1_000_000,
      largeMailbox: false,
    });
    expect((await store.getTenant(from.id))?.largeMailboxSeatsUsed).toBe(0);
    expect(await getTransfer(offers, from, offered.id)).toMatchObject({
      status: 'accepted',
      closedBy: 'boss@consent-to.test',
    });
  });

  it('is accepted at most once, even by two admins at the same moment', async () => {
    const { to, receiver, offer } = await scene('twice');
    const offered = await offer();
    const outcomes = await Promise.all(
      [1, 2, 3].map(() =>
        refusal(acceptTransfer(offers, identities, tiers, to, offered.id, false, receiver, now)),
      ),
    );
    expect(outcomes.filter((o) => o === 'no refusal')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'OfferNotOpen')).toHaveLength(2);
    expect(
      await refusal(
        acceptTransfer(offers, identities, tiers, to, offered.id, false, receiver, now),
      ),
    ).toBe('OfferNotOpen');
  });

  it('answers OfferNotOpen to an accept that read it open just before another accept moved the user', async () => {
    const { to, address, receiver, offer } = await scene('between');
    const offered = await offer();
    const accept = (offerStore: TransferOfferStore) =>
      acceptTransfer(offerStore, identities, tiers, to, offered.id, false, receiver, now);
    let raced = false;
    // The loser's reads go through this client: the winner accepts after the loser has read
    // the offer open and before it reads the mailbox (which the winner has moved by then).
    const loser = new DynamoTransferOffers(
      racingDocuments(world, {
        before: async (input) => {
          if (raced || !mentions(input, `MBX#${address}`, 'PROFILE')) return;
          raced = true;
          await accept(offers);
        },
      }),
      world.names.table,
    );
    expect(await refusal(accept(loser))).toBe('OfferNotOpen');
    expect(raced).toBe(true);
    expect((await store.getMailbox(address))?.tenantId).toBe(to.id);
  });

  it('answers TransferConflict, and moves nothing, when the user keeps changing during the accept', async () => {
    const { from, to, address, receiver, offer } = await scene('churn');
    const offered = await offer();
    // Before each accept's write, the sending admin flips the user's add-on: the seat decision
    // the accept made no longer holds, every time.
    let largeMailbox = true;
    const churning = Object.create(offers) as TransferOfferStore;
    churning.acceptOffer = async (...args) => {
      largeMailbox = !largeMailbox;
      await updateUser(store, identities, tiers, from, address, { largeMailbox }, now);
      return offers.acceptOffer(...args);
    };
    expect(
      await refusal(
        acceptTransfer(churning, identities, tiers, to, offered.id, false, receiver, now),
      ),
    ).toBe('TransferConflict');
    expect(await getTransfer(offers, to, offered.id)).toMatchObject({ status: 'open' });
    expect((await store.getMailbox(address))?.tenantId).toBe(from.id);
  });

  it('cannot be accepted once withdrawn or declined, and each side does only its own part', async () => {
    const { from, to, address, sender, receiver, offer } = await scene('closed');
    const withdrawn = await offer();
    expect(await refusal(closeTransfer(offers, from, withdrawn.id, 'to', sender, now))).toBe(
      'Forbidden',
    );
    expect(
      await refusal(
        acceptTransfer(offers, identities, tiers, from, withdrawn.id, false, sender, now),
      ),
    ).toBe('Forbidden');
    expect(await closeTransfer(offers, from, withdrawn.id, 'from', sender, now)).toMatchObject({
      status: 'withdrawn',
    });
    expect(
      await refusal(
        acceptTransfer(offers, identities, tiers, to, withdrawn.id, false, receiver, now),
      ),
    ).toBe('OfferNotOpen');

    const declined = await offer();
    await closeTransfer(offers, to, declined.id, 'to', receiver, now);
    expect(
      await refusal(
        acceptTransfer(offers, identities, tiers, to, declined.id, false, receiver, now),
      ),
    ).toBe('OfferNotOpen');
    expect(await refusal(closeTransfer(offers, from, declined.id, 'from', sender, now))).toBe(
      'OfferNotOpen',
    );
    expect((await store.getMailbox(address))?.tenantId).toBe(from.id);
  });

  it('expires: no accept after its lifetime, though DynamoDB has not removed it yet', async () => {
    const { from, to, address, receiver, offer } = await scene('late');
    const offered = await offer();
    const late = new Date(now.getTime() + OFFER_LIFETIME_MS);
    expect(
      await refusal(
        acceptTransfer(offers, identities, tiers, to, offered.id, false, receiver, late),
      ),
    ).toBe('OfferExpired');
    // The store's own condition refuses it too, whatever the domain check said.
    const move = {
      address,
      fromTenantId: from.id,
      toTenantId: to.id,
      quotaBytes: 1_000_000,
      returnsSeat: true,
      directory: [],
    };
    expect(await offers.acceptOffer(offered, move, { at: late, by: 'x@late.test' })).toBe(
      'offer-not-open',
    );
    expect((await store.getMailbox(address))?.tenantId).toBe(from.id);
  });

  it('is refused once the user has left the sending tenant, and changes nothing', async () => {
    const { from, to, address, receiver, offer } = await scene('gone');
    const offered = await offer();
    await updateUser(store, identities, tiers, from, address, { status: 'leaver' }, now);
    expect(
      await refusal(
        acceptTransfer(offers, identities, tiers, to, offered.id, false, receiver, now),
      ),
    ).toBe('NotActive');
    expect(await getTransfer(offers, to, offered.id)).toMatchObject({ status: 'open' });
  });

  it('is invisible to a third tenant', async () => {
    const { offer } = await scene('third');
    const offered = await offer();
    const other = { id: 'some-other-tenant' } as Tenant;
    expect(await refusal(getTransfer(offers, other, offered.id))).toBe('NoSuchOffer');
    expect((await listTransfers(offers, other, { limit: 10 })).items).toEqual([]);
  });
});
