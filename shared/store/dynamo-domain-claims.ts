import {
  DomainInUseError,
  DomainTakenError,
  NoSuchDomainError,
  NoSuchTenantError,
  TooManyDomainsError,
} from '../tenancy/errors';
import type { DomainClaim } from '../tenancy/tenancy-store';
import { keys } from './keys';
import { DynamoAccountReads, strip } from './account-items';
import { putItem } from './tenancy-items';
import { transactWrite } from './transact-write';

/**
 * Domain claims (`DOMAIN#<domain>`/`DOMAIN`), kept in step with the tenant's `domains` list in
 * one transaction each way. The claim counts the mailboxes created on the domain
 * (DynamoTenancyStore.createMailbox), and a claim with any is never released.
 */

/** Tries of a domain release whose tenant's list keeps moving under it (concurrent adds). */
const RELEASE_ATTEMPTS = 5;
/** The condition that no mailbox was ever created on a domain. */
const NO_MAILBOXES = '(attribute_not_exists(mailboxCount) OR mailboxCount = :zero)';

export class DynamoDomainClaims extends DynamoAccountReads {
  async claimDomain(
    tenantId: string,
    domain: string,
    maxDomains: number,
  ): Promise<'claimed' | 'already-ours'> {
    const tableName = this.tableName;
    const { failedItem } = await transactWrite(this.client, [
      putItem(
        tableName,
        { ...keys.domain(domain), type: 'domain', domain, tenantId },
        'attribute_not_exists(PK)',
      ),
      {
        Update: {
          TableName: tableName,
          Key: keys.tenant(tenantId),
          UpdateExpression: 'SET domains = list_append(domains, :domain)',
          ConditionExpression: 'attribute_exists(PK) AND size(domains) < :max',
          ExpressionAttributeValues: { ':domain': [domain], ':max': maxDomains },
        },
      },
    ]);
    if (failedItem === undefined) return 'claimed';
    if (failedItem === 0) {
      const claim = await this.getDomain(domain);
      if (claim?.tenantId === tenantId) return 'already-ours';
      throw new DomainTakenError(`${domain} belongs to another tenant`);
    }
    if (!(await this.getTenant(tenantId))) throw new NoSuchTenantError();
    throw new TooManyDomainsError(`A tenant holds at most ${maxDomains} domains.`);
  }

  async getDomain(domain: string): Promise<DomainClaim | undefined> {
    const item = await this.get(keys.domain(domain));
    return item ? strip<DomainClaim>(item) : undefined;
  }

  async releaseDomain(tenantId: string, domain: string): Promise<void> {
    const tableName = this.tableName;
    for (let attempt = 1; ; attempt++) {
      const tenant = await this.getTenant(tenantId);
      const at = tenant?.domains.indexOf(domain) ?? -1;
      const { failedItem } = await transactWrite(this.client, [
        {
          Delete: {
            TableName: tableName,
            Key: keys.domain(domain),
            ConditionExpression: `tenantId = :tenant AND ${NO_MAILBOXES}`,
            ExpressionAttributeValues: { ':tenant': tenantId, ':zero': 0 },
          },
        },
        // By position, conditioned on what is there: a list that moved meanwhile is read again.
        ...(at >= 0
          ? [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.tenant(tenantId),
                  UpdateExpression: `REMOVE domains[${at}]`,
                  ConditionExpression: `domains[${at}] = :domain`,
                  ExpressionAttributeValues: { ':domain': domain },
                },
              },
            ]
          : []),
      ]);
      if (failedItem === undefined) return;
      if (failedItem === 0) {
        const claim = await this.getDomain(domain);
        if (claim?.tenantId !== tenantId) throw new NoSuchDomainError();
        throw new DomainInUseError(domain);
      }
      if (attempt >= RELEASE_ATTEMPTS) {
        throw new Error(`the domains of ${tenantId} kept changing while ${domain} was released`);
      }
    }
  }
}
