import { randomUUID } from 'node:crypto';
import type { TierTable } from '../config/tiers';
import { AlreadyExistsError } from '../errors/common-errors';
import { normaliseAddress } from '../address/address';
import { ForbiddenError, requireMayManage, type Actor } from '../identity/access-rules';
import { accountStateOf, groupsFor, type Identities } from '../sign-in/identities';
import { directoryEntriesOf } from './directory-terms';
import {
  NoSuchOfferError,
  NoSuchTenantError,
  NoSuchUserError,
  NotActiveError,
  OfferExpiredError,
  OfferNotOpenError,
  TransferConflictError,
} from './errors';
import type { Mailbox, Tenant } from './model';
import type { Page } from './tenancy-store';
import type { TransferOffer, TransferOfferStore, TransferPlan } from './transfer-offer-store';
import { quotaFor } from './tenants';

/** How long the receiving tenant has to accept an offer before the sender must offer again. */
export const OFFER_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Tries of an accept whose mailbox keeps changing under it (a concurrent add-on change); then
 * it answers TransferConflict.
 */
const ACCEPT_ATTEMPTS = 3;

/** What the API shows of an offer: an open offer past its expiry reads `expired`. */
export function offerView(offer: TransferOffer, now: Date) {
  const expired = offer.status === 'open' && isExpired(offer, now);
  return { ...offer, status: expired ? ('expired' as const) : offer.status };
}

const isExpired = (offer: TransferOffer, now: Date) => Date.parse(offer.expiresAt) <= now.getTime();

/** The mailbox, if it is still an active member of `from`. */
async function activeMember(
  store: Pick<TransferOfferStore, 'getMailbox'>,
  from: Tenant,
  address: string,
): Promise<Mailbox> {
  const mailbox = await store.getMailbox(normaliseAddress(address));
  if (!mailbox || mailbox.tenantId !== from.id) throw new NoSuchUserError();
  if (mailbox.status !== 'active') throw new NotActiveError();
  return mailbox;
}

/**
 * What a move of `mailbox` from `from` to `to` changes. The add-on does not travel (it is the
 * old tenant's seat), nor does the role: the user arrives as a plain user.
 */
function planOf(tiers: TierTable, from: Tenant, mailbox: Mailbox, to: Tenant): TransferPlan {
  const quotaBytes = quotaFor(tiers, to.tier, false);
  return {
    address: mailbox.address,
    usedBytes: mailbox.usedBytes,
    from: {
      tenantId: from.id,
      tier: from.tier,
      quotaBytes: mailbox.quotaBytes,
      largeMailbox: mailbox.largeMailbox ?? false,
    },
    to: { tenantId: to.id, tier: to.tier, quotaBytes, largeMailbox: false },
    seatReturned: mailbox.largeMailbox ?? false,
    overQuotaAfter: mailbox.usedBytes > quotaBytes,
    applied: false,
  };
}

/**
 * The sending tenant's half of a transfer (an address for life: the old tenant's domain keeps
 * routing it, because ingest finds the mailbox by address). `dryRun` returns the plan and
 * changes nothing; otherwise an open offer carrying the plan is stored for the receiving
 * tenant to accept within OFFER_LIFETIME_MS. Nothing moves until then.
 */
export async function offerTransfer(
  store: TransferOfferStore,
  tiers: TierTable,
  from: Tenant,
  request: { address: string; toTenantId: string; dryRun: boolean },
  by: Actor,
  now: Date,
): Promise<TransferPlan | TransferOffer> {
  const mailbox = await store.getMailbox(normaliseAddress(request.address));
  if (!mailbox || mailbox.tenantId !== from.id) throw new NoSuchUserError();
  requireMayManage(by, mailbox);
  if (mailbox.status !== 'active') throw new NotActiveError();
  if (request.toTenantId === from.id) {
    throw new AlreadyExistsError(`${mailbox.address} is in ${from.id} already.`);
  }
  const to = await store.getTenant(request.toTenantId);
  if (!to) throw new NoSuchTenantError();
  const plan = planOf(tiers, from, mailbox, to);
  if (request.dryRun) return plan;
  const offer: TransferOffer = {
    id: randomUUID(),
    address: mailbox.address,
    fromTenantId: from.id,
    toTenantId: to.id,
    status: 'open',
    plan,
    offeredBy: by.caller.address,
    createdAt: now.toISOString(),
    // Whole seconds: the expiry is also the item's TTL, which DynamoDB keeps in seconds.
    expiresAt: new Date(
      Math.floor((now.getTime() + OFFER_LIFETIME_MS) / 1000) * 1000,
    ).toISOString(),
  };
  await store.putOffer(offer);
  return offer;
}

export async function listTransfers(
  store: TransferOfferStore,
  tenant: Tenant,
  page: { limit: number; cursor?: string },
): Promise<Page<TransferOffer>> {
  return store.listOffers(tenant.id, page.limit, page.cursor);
}

/** The offer as `tenant` (its sender or receiver) sees it; NoSuchOffer for anyone else. */
export async function getTransfer(
  store: TransferOfferStore,
  tenant: Tenant,
  offerId: string,
): Promise<TransferOffer> {
  const offer = await store.getOffer(tenant.id, offerId);
  if (!offer) throw new NoSuchOfferError();
  return offer;
}

/** The offer, open and unexpired, on the side `side` of `tenant`. */
async function openOffer(
  store: TransferOfferStore,
  tenant: Tenant,
  offerId: string,
  side: 'from' | 'to',
  now: Date,
): Promise<TransferOffer> {
  const offer = await getTransfer(store, tenant, offerId);
  const sideId = side === 'to' ? offer.toTenantId : offer.fromTenantId;
  if (sideId !== tenant.id) {
    throw new ForbiddenError(
      side === 'to'
        ? 'Only the receiving tenant may accept or decline an offer.'
        : 'Only the sending tenant may withdraw an offer.',
    );
  }
  refuseUnlessOpen(offer, now);
  return offer;
}

function refuseUnlessOpen(offer: TransferOffer, now: Date): void {
  if (offer.status !== 'open') throw new OfferNotOpenError();
  if (isExpired(offer, now)) throw new OfferExpiredError();
}

/** After a write refused on the offer: say why, from a fresh read. */
async function whyNotOpen(store: TransferOfferStore, offer: TransferOffer, now: Date) {
  const fresh = await store.getOffer(offer.toTenantId, offer.id);
  if (!fresh) return new NoSuchOfferError();
  refuseUnlessOpen(fresh, now);
  return new OfferNotOpenError();
}

/**
 * The receiving tenant's half: recomputes the plan on current state (`dryRun` returns it) and
 * applies the move in one transaction with the offer's change from open to accepted, so an
 * offer is accepted at most once, never after it was withdrawn or declined, and only while
 * the user is still active in the sending tenant.
 *
 * The sign-in account moves first (tenant attribute, no role groups), then the table. Until the
 * table follows, the account's new tokens name a tenant its mailbox is not in (403) and the
 * role group is gone (fails closed); accepting again converges, since the offer is still open.
 * The other order would leave a moved mailbox whose account still names the old tenant and
 * role, which nothing would mend. An accept the table refuses puts the account back as the
 * table says.
 */
export async function acceptTransfer(
  store: TransferOfferStore,
  identities: Identities,
  tiers: TierTable,
  to: Tenant,
  offerId: string,
  dryRun: boolean,
  by: Actor,
  now: Date,
): Promise<TransferPlan> {
  for (let attempt = 1; ; attempt++) {
    const offer = await openOffer(store, to, offerId, 'to', now);
    const from = await store.getTenant(offer.fromTenantId);
    if (!from) throw new NoSuchTenantError('The sending tenant no longer exists.');
    const mailbox = await memberToAccept(store, from, offer, now);
    const plan = planOf(tiers, from, mailbox, to);
    if (dryRun) return plan;
    await identities.putAccount({
      address: mailbox.address,
      tenantId: to.id,
      groups: groupsFor('user'),
      enabled: true,
    });
    let refusal: Awaited<ReturnType<TransferOfferStore['acceptOffer']>>;
    try {
      refusal = await store.acceptOffer(
        offer,
        {
          address: mailbox.address,
          fromTenantId: from.id,
          toTenantId: to.id,
          quotaBytes: plan.to.quotaBytes,
          returnsSeat: plan.seatReturned,
          directory: directoryEntriesOf({ ...mailbox, tenantId: to.id }, to.name),
        },
        { at: now, by: by.caller.address },
      );
    } catch (error) {
      await restoreAccount(identities, store, mailbox.address);
      throw error;
    }
    if (!refusal) return { ...plan, applied: true };
    // Refused (the offer closed, or the user left or moved meanwhile): the account follows
    // the table again.
    await restoreAccount(identities, store, mailbox.address);
    if (refusal === 'offer-not-open') throw await whyNotOpen(store, offer, now);
    // The mailbox changed under us: left, moved, or its add-on changed; or another accept of
    // this offer moved it at the same moment, failing both conditions. Decide again from the
    // top, where the offer is read first: a closed offer answers OfferNotOpen, and only an open
    // one goes on to the member check (NoSuchUser, NotActive).
    if (attempt >= ACCEPT_ATTEMPTS) throw new TransferConflictError();
  }
}

/**
 * The member check of an accept. The offer was read open before the mailbox, so another accept
 * of it that committed in between has moved the mailbox, which then reads as no longer in
 * `from` (NoSuchUser). A failed check therefore reads the offer again: closed, it answers why
 * (OfferNotOpen); still open, the member's own answer stands.
 */
async function memberToAccept(
  store: TransferOfferStore,
  from: Tenant,
  offer: TransferOffer,
  now: Date,
): Promise<Mailbox> {
  try {
    return await activeMember(store, from, offer.address);
  } catch (error) {
    if (!(error instanceof NoSuchUserError || error instanceof NotActiveError)) throw error;
    const fresh = await store.getOffer(offer.toTenantId, offer.id);
    if (fresh) refuseUnlessOpen(fresh, now);
    throw error;
  }
}

/** Sets the sign-in account back to what the table says of the mailbox. */
async function restoreAccount(
  identities: Identities,
  store: Pick<TransferOfferStore, 'getMailbox'>,
  address: string,
): Promise<void> {
  const current = await store.getMailbox(address).catch(() => undefined);
  if (current) await identities.putAccount(accountStateOf(current));
}

/** The receiver declines (`side: 'to'`) or the sender withdraws (`'from'`) an open offer. */
export async function closeTransfer(
  store: TransferOfferStore,
  tenant: Tenant,
  offerId: string,
  side: 'from' | 'to',
  by: Actor,
  now: Date,
): Promise<TransferOffer> {
  const offer = await openOffer(store, tenant, offerId, side, now);
  const status = side === 'to' ? 'declined' : 'withdrawn';
  const closed = await store.closeOffer(offer, { status, at: now, by: by.caller.address });
  if (!closed) throw await whyNotOpen(store, offer, now);
  return { ...offer, status, closedAt: now.toISOString(), closedBy: by.caller.address };
}
