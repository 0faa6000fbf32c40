import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountReads, Mailbox, Tenant } from '../tenancy/model';
import { keys } from './keys';

/** An item without its keys, index attributes and type tag, as the domain sees it. */
export function strip<T>(item: Record<string, unknown>): T {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _a,
    GSI1SK: _b,
    GSI2PK: _c,
    GSI2SK: _d,
    GSI3PK: _e,
    GSI3SK: _f,
    type: _t,
    ...rest
  } = item;
  return rest as T;
}

/**
 * The one reader of tenant and mailbox items (the AccountReads port), and the base of the
 * stores that also need them: the mail store and the tenancy store.
 */
export class DynamoAccountReads implements AccountReads {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const item = await this.get(keys.tenant(tenantId));
    return item ? strip<Tenant>(item) : undefined;
  }

  async getMailbox(address: string): Promise<Mailbox | undefined> {
    const item = await this.get(keys.mailbox(address));
    return item ? strip<Mailbox>(item) : undefined;
  }

  protected async get(key: {
    PK: string;
    SK: string;
  }): Promise<Record<string, unknown> | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return result.Item;
  }
}
