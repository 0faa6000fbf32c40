import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError } from '../errors/common-errors';
import type { Mailbox, Tenant } from '../tenancy/model';
import type { DirectoryEntry, DirectoryView } from '../tenancy/directory-terms';
import { DomainTakenError, SeatsInUseError } from '../tenancy/errors';
import type {
  DomainClaim,
  ImportJob,
  Page,
  TenancyStore,
  UserUpdate,
} from '../tenancy/tenancy-store';
import { DynamoDomainClaims } from './dynamo-domain-claims';
import { DynamoUserWrites, flagIs } from './dynamo-user-writes';
import { queryPartition } from './gsi3-query';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';
import { membersPartition, putItem, TENANTS_PARTITION } from './tenancy-items';
import { DynamoAccountReads, strip } from './account-items';
import { transactWrite } from './transact-write';

export { membersPartition, TENANTS_PARTITION } from './tenancy-items';

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
    changes: Partial<Pick<Tenant, 'tier' | 'largeMailboxSeats' | 'mailRetention'>>,
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

  private readonly userWrites = new DynamoUserWrites(this.client, this.tableName);

  createMailbox(mailbox: Mailbox, directory: DirectoryEntry[]): Promise<void> {
    return this.userWrites.createMailbox(mailbox, directory);
  }

  updateUser(update: UserUpdate): Promise<boolean> {
    return this.userWrites.updateUser(update);
  }

  markLeaver(address: string, tenantId: string, leftAt: string, quotaBytes: number) {
    return this.userWrites.markLeaver(address, tenantId, leftAt, quotaBytes);
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
