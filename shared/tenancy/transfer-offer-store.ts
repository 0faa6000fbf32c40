import type { DirectoryEntry } from './directory-terms';
import type { AccountReads } from './model';
import type { Page } from './tenancy-store';

/** What a transfer changes on each side, as planned when it was offered or is accepted. */
export interface TransferPlan {
  address: string;
  usedBytes: number;
  from: { tenantId: string; tier: string; quotaBytes: number; largeMailbox: boolean };
  to: { tenantId: string; tier: string; quotaBytes: number; largeMailbox: false };
  /** The large-mailbox seat the user holds goes back to the old tenant. */
  seatReturned: boolean;
  /** Mail already stored stays; new mail bounces until usage falls below the new quota. */
  overQuotaAfter: boolean;
  applied: boolean;
}

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'withdrawn';

/**
 * The sending tenant's offer of one user to another tenant. It carries the plan as it stood
 * when offered, so both admins see the quota and seat change before anything moves.
 */
export interface TransferOffer {
  id: string;
  address: string;
  fromTenantId: string;
  toTenantId: string;
  status: OfferStatus;
  plan: TransferPlan;
  /** The address of the admin who offered. */
  offeredBy: string;
  createdAt: string;
  /** When it can no longer be accepted (ISO); also the TTL that removes it later. */
  expiresAt: string;
  /** When it was accepted, declined or withdrawn, and by whom. */
  closedAt?: string;
  closedBy?: string;
}

/** The move of an accepted offer: quota, seat, membership and directory at once. */
export interface MailboxMove {
  address: string;
  fromTenantId: string;
  toTenantId: string;
  quotaBytes: number;
  returnsSeat: boolean;
  directory: DirectoryEntry[];
}

/** Why an accept wrote nothing. */
export type AcceptRefusal = 'offer-not-open' | 'user-moved';

/**
 * The transfer offer port. An offer is kept once for each of its two tenants, so each lists
 * it and nobody else can read it; every change writes both copies in one transaction.
 */
export interface TransferOfferStore extends AccountReads {
  putOffer(offer: TransferOffer): Promise<void>;
  /** The offer, if `tenantId` is its sender or receiver. */
  getOffer(tenantId: string, offerId: string): Promise<TransferOffer | undefined>;
  /** Offers to and from the tenant, oldest first. */
  listOffers(tenantId: string, limit: number, cursor?: string): Promise<Page<TransferOffer>>;
  /** Open (and unexpired at `at`) -> declined or withdrawn; false if it was not open. */
  closeOffer(
    offer: TransferOffer,
    change: { status: 'declined' | 'withdrawn'; at: Date; by: string },
  ): Promise<boolean>;
  /**
   * One transaction: the offer goes from open (and unexpired at `at`) to accepted, and the
   * mailbox, still active in the sending tenant, moves. A refusal writes nothing.
   */
  acceptOffer(
    offer: TransferOffer,
    move: MailboxMove,
    change: { at: Date; by: string },
  ): Promise<AcceptRefusal | undefined>;
}
