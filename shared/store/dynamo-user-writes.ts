import { domainOf } from '../address/address';
import { AlreadyExistsError } from '../errors/common-errors';
import { logger } from '../log/logger';
import { FOLDERS } from '../mailbox/model';
import type { DirectoryEntry } from '../tenancy/directory-terms';
import {
  ForeignDomainError,
  NoSeatLeftError,
  NoSuchUserError,
  NotActiveError,
  NotPremiumError,
} from '../tenancy/errors';
import type { Mailbox } from '../tenancy/model';
import type { UserUpdate } from '../tenancy/tenancy-store';
import { DynamoAccountReads } from './account-items';
import { keys } from './keys';
import {
  ACTIVE_IN_TENANT,
  directoryWrites,
  membersPartition,
  putItem,
  seatReturn,
  seatTake,
} from './tenancy-items';
import { transactWrite } from './transact-write';

/** Tries of a leaver change that keeps meeting a concurrent change to the same mailbox. */
const LEAVER_ATTEMPTS = 5;

/** The condition that the add-on flag is still `large` (absent counts as false). */
export const flagIs = (large: boolean) =>
  large ? 'largeMailbox = :true' : '(attribute_not_exists(largeMailbox) OR largeMailbox = :false)';

/**
 * The writes that change one user: a new mailbox (with its folders, directory entries and its
 * domain's mailbox count), a profile or seat change, and leaving. Each is one transaction over
 * the mailbox, the tenant's seat counter and the directory, conditioned on what it was decided
 * from, so concurrent changes never move a seat twice.
 */
export class DynamoUserWrites extends DynamoAccountReads {
  async createMailbox(mailbox: Mailbox, directory: DirectoryEntry[]): Promise<void> {
    const { failedItem } = await transactWrite(this.client, [
      putItem(
        this.tableName,
        {
          ...keys.mailbox(mailbox.address),
          type: 'mailbox',
          GSI3PK: membersPartition(mailbox.tenantId),
          GSI3SK: mailbox.address,
          ...mailbox,
        },
        'attribute_not_exists(PK)',
      ),
      // Counted on its domain, which the tenant must still hold: a domain is released only while
      // its count is zero, so the two cannot cross.
      {
        Update: {
          TableName: this.tableName,
          Key: keys.domain(domainOf(mailbox.address)),
          UpdateExpression: 'ADD mailboxCount :one',
          ConditionExpression: 'tenantId = :tenant',
          ExpressionAttributeValues: { ':one': 1, ':tenant': mailbox.tenantId },
        },
      },
      ...FOLDERS.map((folder) =>
        putItem(this.tableName, {
          ...keys.folder(mailbox.address, folder),
          type: 'folder',
          folder,
          total: 0,
          unread: 0,
        }),
      ),
      ...directoryWrites(this.tableName, mailbox.address, directory),
    ]);
    if (failedItem === 1) {
      throw new ForeignDomainError(`${mailbox.address} is not on a domain of the tenant.`);
    }
    if (failedItem !== undefined) throw new AlreadyExistsError(`${mailbox.address} already exists`);
  }

  async updateUser(update: UserUpdate): Promise<boolean> {
    const returnsSeat = update.seat !== undefined && !update.seat.grant;
    const outcome = await this.writeUserUpdate(update, returnsSeat);
    if (outcome !== 'seat-counter-drift') return outcome;
    // The mailbox holds a seat the tenant's counter does not count: give back nothing.
    logger.warn('large-mailbox seat counter drift: revoking without returning a seat', {
      tenantId: update.tenantId,
      address: update.address,
    });
    const again = await this.writeUserUpdate(update, false);
    return again === true;
  }

  private async writeUserUpdate(
    update: UserUpdate,
    returnsSeat: boolean,
  ): Promise<boolean | 'seat-counter-drift'> {
    const { seat } = update;
    const fields: [string, unknown][] = Object.entries(update.profile).filter(
      ([, value]) => value !== undefined,
    );
    if (seat) fields.push(['largeMailbox', seat.grant], ['quotaBytes', seat.quotaBytes]);
    const seatItems = seat?.grant
      ? [seatTake(this.tableName, update.tenantId)]
      : returnsSeat
        ? [seatReturn(this.tableName, update.tenantId)]
        : [];
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(update.address),
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          // A seat decision rests on the flag as read: it must still be the opposite.
          ConditionExpression: seat
            ? `${ACTIVE_IN_TENANT} AND ${flagIs(!seat.grant)}`
            : ACTIVE_IN_TENANT,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field])),
          },
          ExpressionAttributeValues: {
            ':tenant': update.tenantId,
            ':active': 'active',
            ...(seat && { [seat.grant ? ':false' : ':true']: !seat.grant }),
            ...Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
          },
        },
      },
      ...seatItems,
      ...(update.directory
        ? directoryWrites(this.tableName, update.address, update.directory)
        : []),
    ]);
    if (failedItem === undefined) return true;
    if (failedItem === 1 && seat?.grant) {
      const tenant = await this.getTenant(update.tenantId);
      if (tenant?.tier !== 'premium') throw new NotPremiumError();
      throw new NoSeatLeftError();
    }
    if (failedItem === 1) return 'seat-counter-drift';
    const mailbox = await this.getMailbox(update.address);
    if (!mailbox || mailbox.tenantId !== update.tenantId) throw new NoSuchUserError();
    if (mailbox.status !== 'active') throw new NotActiveError();
    return false;
  }

  async markLeaver(
    address: string,
    tenantId: string,
    leftAt: string,
    quotaBytes: number,
  ): Promise<void> {
    let counterDrift = false;
    for (let attempt = 1; ; attempt++) {
      const mailbox = await this.getMailbox(address);
      if (!mailbox || mailbox.tenantId !== tenantId) throw new NoSuchUserError();
      if (mailbox.status !== 'active') return;
      const large = mailbox.largeMailbox ?? false;
      const returnsSeat = large && !counterDrift;
      const { failedItem } = await transactWrite(this.client, [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.mailbox(address),
            UpdateExpression:
              'SET #status = :leaver, leftAt = :at, largeMailbox = :false, quotaBytes = :quota',
            // The seat decision below rests on the flag read above; it must still hold.
            ConditionExpression: `${ACTIVE_IN_TENANT} AND ${flagIs(large)}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':tenant': tenantId,
              ':active': 'active',
              ':leaver': 'leaver',
              ':at': leftAt,
              ':false': false,
              ...(large && { ':true': true }),
              ':quota': large ? quotaBytes : mailbox.quotaBytes,
            },
          },
        },
        ...(returnsSeat ? [seatReturn(this.tableName, tenantId)] : []),
        ...directoryWrites(this.tableName, address, []),
      ]);
      if (failedItem === undefined) return;
      if (failedItem === 1 && returnsSeat) {
        // The tenant counts no seat this mailbox could give back (the counter drifted to 0):
        // the user still leaves, and the drift is logged for an operator to correct.
        logger.warn('large-mailbox seat counter drift: leaver keeps no seat to return', {
          tenantId,
          address,
        });
        counterDrift = true;
      } else if (attempt >= LEAVER_ATTEMPTS) {
        throw new Error(`${address} kept changing while being marked a leaver`);
      }
      // Otherwise changed under us (a concurrent leave, grant or transfer): decide again.
    }
  }
}
