import type { Page } from '../tenancy/tenancy-store';
import type {
  AcceptRefusal,
  MailboxMove,
  TransferOffer,
  TransferOfferStore,
} from '../tenancy/transfer-offer-store';
import { DynamoAccountReads, strip } from './account-items';
import { queryPartition } from './gsi3-query';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import {
  ACTIVE_IN_TENANT,
  directoryWrites,
  membersPartition,
  putItem,
  seatReturn,
} from './tenancy-items';
import { transactWrite, type TransactItems } from './transact-write';

/** The GSI3 partition listing a tenant's offers, sent and received. */
export const offersPartition = (tenantId: string) => `TENANT#${tenantId}#TRANSFERS`;

const TTL = TABLE_SCHEMA.ttlAttribute;
const epochSeconds = (at: Date | string) => Math.floor(new Date(at).getTime() / 1000);

/** The condition an offer must meet to change: still open, and not expired at `:now`. */
const OPEN_AND_UNEXPIRED = `#status = :open AND #ttl > :now`;

/** The TransferOfferStore on DynamoDB: two copies of each offer, changed together. */
export class DynamoTransferOffers extends DynamoAccountReads implements TransferOfferStore {
  async putOffer(offer: TransferOffer): Promise<void> {
    const { failedItem } = await transactWrite(
      this.client,
      [offer.fromTenantId, offer.toTenantId].map((tenantId) =>
        putItem(
          this.tableName,
          {
            ...keys.transferOffer(tenantId, offer.id),
            type: 'transfer-offer',
            GSI3PK: offersPartition(tenantId),
            GSI3SK: `${offer.createdAt}#${offer.id}`,
            ...offer,
            // DynamoDB's TTL removes the copies some time after expiry (accept checks it too).
            [TTL]: epochSeconds(offer.expiresAt),
          },
          'attribute_not_exists(PK)',
        ),
      ),
    );
    if (failedItem !== undefined) throw new Error(`transfer offer ${offer.id} exists already`);
  }

  async getOffer(tenantId: string, offerId: string): Promise<TransferOffer | undefined> {
    const item = await this.get(keys.transferOffer(tenantId, offerId));
    return item ? offerOf(item) : undefined;
  }

  async listOffers(tenantId: string, limit: number, cursor?: string): Promise<Page<TransferOffer>> {
    const page = await queryPartition(this.client, this.tableName, {
      partition: offersPartition(tenantId),
      limit,
      cursor,
    });
    return { ...page, items: page.items.map(offerOf) };
  }

  async closeOffer(
    offer: TransferOffer,
    change: { status: 'declined' | 'withdrawn'; at: Date; by: string },
  ): Promise<boolean> {
    const { failedItem } = await transactWrite(
      this.client,
      this.offerChange(offer, change.status, change.at, change.by),
    );
    return failedItem === undefined;
  }

  async acceptOffer(
    offer: TransferOffer,
    move: MailboxMove,
    change: { at: Date; by: string },
  ): Promise<AcceptRefusal | undefined> {
    const offerItems = this.offerChange(offer, 'accepted', change.at, change.by);
    const { failedItem } = await transactWrite(this.client, [
      ...offerItems,
      ...this.moveItems(move),
    ]);
    if (failedItem === undefined) return undefined;
    return failedItem < offerItems.length ? 'offer-not-open' : 'user-moved';
  }

  /** Both copies from open to `status`, if still open and unexpired. */
  private offerChange(offer: TransferOffer, status: string, at: Date, by: string): TransactItems {
    return [offer.fromTenantId, offer.toTenantId].map((tenantId) => ({
      Update: {
        TableName: this.tableName,
        Key: keys.transferOffer(tenantId, offer.id),
        UpdateExpression: 'SET #status = :closed, closedAt = :at, closedBy = :by',
        ConditionExpression: OPEN_AND_UNEXPIRED,
        ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL },
        ExpressionAttributeValues: {
          ':open': 'open',
          ':now': epochSeconds(at),
          ':closed': status,
          ':at': at.toISOString(),
          ':by': by,
        },
      },
    }));
  }

  /** An active mailbox to another tenant: quota, seat, membership and directory at once. */
  private moveItems(move: MailboxMove): TransactItems {
    const flag = move.returnsSeat
      ? 'largeMailbox = :true'
      : '(attribute_not_exists(largeMailbox) OR largeMailbox = :false)';
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(move.address),
          UpdateExpression:
            'SET tenantId = :to, quotaBytes = :quota, largeMailbox = :false, GSI3PK = :members, ' +
            '#role = :user',
          // The seat decision rests on the add-on flag as read: it must still hold.
          ConditionExpression: `${ACTIVE_IN_TENANT} AND ${flag}`,
          // Rights in the old tenant do not travel: a tenant admin arrives as a plain user.
          ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
          ExpressionAttributeValues: {
            ':tenant': move.fromTenantId,
            ':active': 'active',
            ':to': move.toTenantId,
            ':quota': move.quotaBytes,
            ':false': false,
            ':members': membersPartition(move.toTenantId),
            ':user': 'user',
            ...(move.returnsSeat && { ':true': true }),
          },
        },
      },
      {
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.tenant(move.toTenantId),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      ...(move.returnsSeat ? [seatReturn(this.tableName, move.fromTenantId)] : []),
      ...directoryWrites(this.tableName, move.address, move.directory),
    ];
  }
}

function offerOf(item: Record<string, unknown>): TransferOffer {
  const offer = strip<TransferOffer & Record<string, unknown>>(item);
  return { ...offer, expiresAt: new Date(Number(item[TTL]) * 1000).toISOString() };
}
