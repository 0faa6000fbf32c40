import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError } from '../mailbox/mail-store';
import { FOLDERS, type Mailbox, type Tenant } from '../mailbox/model';
import type { DirectoryEntry, DirectoryView } from '../tenancy/directory-terms';
import {
  DomainTakenError,
  NoSeatLeftError,
  NoSuchUserError,
  NotPremiumError,
  SeatsInUseError,
} from '../tenancy/errors';
import type { ImportJob, Page, SeatChange, TenancyStore } from '../tenancy/tenancy-store';
import { queryPartition } from './gsi3-query';
import { keys } from './keys';
import {
  ACTIVE_IN_TENANT,
  directoryWrites,
  membersPartition,
  putItem,
  seatFlag,
  seatReturn,
  strip,
  TENANTS_PARTITION,
} from './tenancy-items';
import { transactWrite, type TransactItems } from './transact';

export { membersPartition, TENANTS_PARTITION } from './tenancy-items';

/** The TenancyStore on DynamoDB: one table, GSI3 for directory, tenant and member listings. */
export class DynamoTenancyStore implements TenancyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const item = await this.get(keys.tenant(tenantId));
    return item ? strip<Tenant>(item) : undefined;
  }

  async getMailbox(address: string): Promise<Mailbox | undefined> {
    const item = await this.get(keys.mailbox(address));
    return item ? strip<Mailbox>(item) : undefined;
  }

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

  async setQuota(address: string, tenantId: string, quotaBytes: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mailbox(address),
          UpdateExpression: 'SET quotaBytes = :quota',
          ConditionExpression: 'tenantId = :tenant',
          ExpressionAttributeValues: { ':quota': quotaBytes, ':tenant': tenantId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
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
    if (failedItem !== undefined) throw new AlreadyExistsError(`${mailbox.address} already exists`);
  }

  async updateProfile(
    address: string,
    tenantId: string,
    changes: Partial<Pick<Mailbox, 'displayName' | 'jobTitle' | 'role'>>,
    directory: DirectoryEntry[],
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    const items: TransactItems = [...directoryWrites(this.tableName, address, directory)];
    if (entries.length > 0) {
      items.unshift({
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(address),
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: ACTIVE_IN_TENANT,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(entries.map(([field], i) => [`#f${i}`, field])),
          },
          ExpressionAttributeValues: {
            ':tenant': tenantId,
            ':active': 'active',
            ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          },
        },
      });
    }
    const { failedItem } = await transactWrite(this.client, items);
    if (failedItem !== undefined) throw new NoSuchUserError();
  }

  async grantLargeMailbox(change: SeatChange): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.tenant(change.tenantId),
          UpdateExpression:
            'SET largeMailboxSeatsUsed = if_not_exists(largeMailboxSeatsUsed, :zero) + :one',
          ConditionExpression:
            'tier = :premium AND (largeMailboxSeatsUsed < largeMailboxSeats OR ' +
            '(attribute_not_exists(largeMailboxSeatsUsed) AND largeMailboxSeats > :zero))',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':premium': 'premium' },
        },
      },
      seatFlag(this.tableName, change, true),
    ]);
    if (failedItem === undefined) return true;
    const [tenant, mailbox] = await Promise.all([
      this.getTenant(change.tenantId),
      this.getMailbox(change.address),
    ]);
    if (!mailbox || mailbox.tenantId !== change.tenantId || mailbox.status !== 'active') {
      throw new NoSuchUserError();
    }
    if (mailbox.largeMailbox) return false;
    if (tenant?.tier !== 'premium') throw new NotPremiumError();
    throw new NoSeatLeftError();
  }

  async revokeLargeMailbox(change: SeatChange): Promise<boolean> {
    const { failedItem } = await transactWrite(this.client, [
      seatReturn(this.tableName, change.tenantId),
      seatFlag(this.tableName, change, false),
    ]);
    if (failedItem === undefined) return true;
    const mailbox = await this.getMailbox(change.address);
    if (!mailbox || mailbox.tenantId !== change.tenantId) throw new NoSuchUserError();
    return false;
  }

  async markLeaver(
    address: string,
    tenantId: string,
    leftAt: string,
    quotaBytes: number,
  ): Promise<void> {
    const mailbox = await this.getMailbox(address);
    if (!mailbox || mailbox.tenantId !== tenantId) throw new NoSuchUserError();
    if (mailbox.status !== 'active') return;
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(address),
          UpdateExpression:
            'SET #status = :leaver, leftAt = :at, largeMailbox = :false, quotaBytes = :quota',
          // The seat decision below rests on the flag read above; it must still hold.
          ConditionExpression: `${ACTIVE_IN_TENANT} AND ${mailbox.largeMailbox ? 'largeMailbox = :true' : '(attribute_not_exists(largeMailbox) OR largeMailbox = :false)'}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':tenant': tenantId,
            ':active': 'active',
            ':leaver': 'leaver',
            ':at': leftAt,
            ':false': false,
            ...(mailbox.largeMailbox && { ':true': true }),
            ':quota': mailbox.largeMailbox ? quotaBytes : mailbox.quotaBytes,
          },
        },
      },
      ...(mailbox.largeMailbox ? [seatReturn(this.tableName, tenantId)] : []),
      ...directoryWrites(this.tableName, address, []),
    ]);
    // Changed under us (a concurrent leave, grant or transfer): decide again on fresh data.
    if (failedItem !== undefined) return this.markLeaver(address, tenantId, leftAt, quotaBytes);
  }

  async transferMailbox(move: Parameters<TenancyStore['transferMailbox']>[0]): Promise<void> {
    const { failedItem } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.mailbox(move.address),
          UpdateExpression:
            'SET tenantId = :to, quotaBytes = :quota, largeMailbox = :false, GSI3PK = :members',
          ConditionExpression: `${ACTIVE_IN_TENANT} AND ${move.returnsSeat ? 'largeMailbox = :true' : '(attribute_not_exists(largeMailbox) OR largeMailbox = :false)'}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':tenant': move.fromTenantId,
            ':active': 'active',
            ':to': move.toTenantId,
            ':quota': move.quotaBytes,
            ':false': false,
            ':members': membersPartition(move.toTenantId),
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
    ]);
    if (failedItem !== undefined) throw new NoSuchUserError();
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

  private async get(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return result.Item;
  }
}
