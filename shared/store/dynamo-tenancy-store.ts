import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { domainOf } from '../address/address';
import { AlreadyExistsError } from '../errors/common-errors';
import type { Mailbox, Tenant } from '../tenancy/model';
import { FOLDERS } from '../mailbox/model';
import type { DirectoryEntry, DirectoryView } from '../tenancy/directory-terms';
import { logger } from '../log/logger';
import {
  DomainTakenError,
  ForeignDomainError,
  NoSeatLeftError,
  NoSuchUserError,
  NotActiveError,
  NotPremiumError,
  SeatsInUseError,
} from '../tenancy/errors';
import type {
  DomainClaim,
  ImportJob,
  Page,
  TenancyStore,
  UserUpdate,
} from '../tenancy/tenancy-store';
import { DynamoDomainClaims } from './dynamo-domain-claims';
import { queryPartition } from './gsi3-query';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import {
  ACTIVE_IN_TENANT,
  directoryWrites,
  membersPartition,
  putItem,
  seatReturn,
  seatTake,
  TENANTS_PARTITION,
} from './tenancy-items';
import { DynamoAccountReads, strip } from './account-items';
import { transactWrite } from './transact-write';

export { membersPartition, TENANTS_PARTITION } from './tenancy-items';

/** Tries of a leaver change that keeps meeting a concurrent change to the same mailbox. */
const LEAVER_ATTEMPTS = 5;

/** The condition that the add-on flag is still `large` (absent counts as false). */
const flagIs = (large: boolean) =>
  large ? 'largeMailbox = :true' : '(attribute_not_exists(largeMailbox) OR largeMailbox = :false)';

/** The TenancyStore on DynamoDB: one table, GSI3 for directory, tenant and member listings. */
export class DynamoTenancyStore extends DynamoAccountReads implements TenancyStore {
  async createTenant(tenant: Tenant): Promise<void> {
    const { failedItem } = await transactWrite(this.client, [
      putItem(
        this.tableName,
        {
          ...keys.tenant(tenant.id),
          type: 'tenant',
          GSI3PK: TENANTS_PARTITION,
          GSI3SK: tenant.id,
          ...tenant,
        },
        'attribute_not_exists(PK)',
      ),
      ...tenant.domains.map((domain) =>
        putItem(
          this.tableName,
          { ...keys.domain(domain), type: 'domain', domain, tenantId: tenant.id },
          'attribute_not_exists(PK)',
        ),
      ),
    ]);
    if (failedItem === 0) throw new AlreadyExistsError(`tenant ${tenant.id} already exists`);
    if (failedItem !== undefined) {
      throw new DomainTakenError(`${tenant.domains[failedItem - 1]} belongs to another tenant`);
    }
  }

  async listTenants(limit: number, cursor?: string): Promise<Page<Tenant>> {
    return this.page<Tenant>(TENANTS_PARTITION, limit, cursor);
  }

  private readonly domainClaims = new DynamoDomainClaims(this.client, this.tableName);

  claimDomain(tenantId: string, domain: string, maxDomains: number) {
    return this.domainClaims.claimDomain(tenantId, domain, maxDomains);
  }

  getDomain(domain: string): Promise<DomainClaim | undefined> {
    return this.domainClaims.getDomain(domain);
  }

  releaseDomain(tenantId: string, domain: string): Promise<void> {
    return this.domainClaims.releaseDomain(tenantId, domain);
  }

  async updateTenant(
    tenantId: string,
    changes: Partial<Pick<Tenant, 'tier' | 'largeMailboxSeats'>>,
  ): Promise<Tenant> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(changes).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    let condition = 'attribute_exists(PK)';
    if (changes.largeMailboxSeats !== undefined) {
      condition +=
        ' AND (attribute_not_exists(largeMailboxSeatsUsed) OR largeMailboxSeatsUsed <= :seats)';
      values[':seats'] = changes.largeMailboxSeats;
    }
    if (changes.tier !== undefined && changes.tier !== 'premium') {
      // Only premium has the add-on: a tenant leaves premium once its seats are given back.
      condition +=
        ' AND (attribute_not_exists(largeMailboxSeatsUsed) OR largeMailboxSeatsUsed = :zero)';
      values[':zero'] = 0;
    }
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.tenant(tenantId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<Tenant>(result.Attributes ?? {});
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new SeatsInUseError(
        'Users hold more large-mailbox seats than that: take the add-on from some of them first.',
      );
    }
  }

  async listMembers(tenantId: string, limit: number, cursor?: string): Promise<Page<Mailbox>> {
    return this.page<Mailbox>(membersPartition(tenantId), limit, cursor);
  }

  async setQuota(
    address: string,
    tenantId: string,
    quotaBytes: number,
    largeMailbox: boolean,
  ): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.mailbox(address),
      UpdateExpression: 'SET quotaBytes = :quota',
      ConditionExpression: `tenantId = :tenant AND ${flagIs(largeMailbox)}`,
      ExpressionAttributeValues: {
        ':quota': quotaBytes,
        ':tenant': tenantId,
        [largeMailbox ? ':true' : ':false']: largeMailbox,
      },
    });
  }

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

  async searchDirectory(
    partition: string,
    prefix: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<DirectoryView>> {
    const page = await queryPartition(this.client, this.tableName, {
      partition,
      prefix,
      limit,
      cursor,
    });
    return { ...page, items: page.items.map((item) => item.view as DirectoryView) };
  }

  async putImportJob(job: ImportJob): Promise<void> {
    await transactWrite(this.client, [
      putItem(this.tableName, { ...keys.importJob(job.tenantId, job.id), type: 'import', ...job }),
    ]);
  }

  async getImportJob(tenantId: string, jobId: string): Promise<ImportJob | undefined> {
    const item = await this.get(keys.importJob(tenantId, jobId));
    return item ? strip<ImportJob>(item) : undefined;
  }

  private async page<T>(partition: string, limit: number, cursor?: string): Promise<Page<T>> {
    const page = await queryPartition(this.client, this.tableName, { partition, limit, cursor });
    return { ...page, items: page.items.map((item) => strip<T>(item)) };
  }
}
