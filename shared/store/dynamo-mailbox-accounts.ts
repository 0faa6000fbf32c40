import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MailboxAccount, MailboxAccounts } from '../sign-in/account-drift';
import { scanPage } from './scan-page';

/** Every mailbox's address, tenant, role and status, for comparing with the user pool. */
export class DynamoMailboxAccounts implements MailboxAccounts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listMailboxAccounts(cursor?: string) {
    const page = await scanPage<MailboxAccount>(
      this.client,
      {
        TableName: this.tableName,
        FilterExpression: 'SK = :profile AND begins_with(PK, :mbx)',
        ProjectionExpression: 'address, tenantId, #role, #status',
        ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
        ExpressionAttributeValues: { ':profile': 'PROFILE', ':mbx': 'MBX#' },
      },
      cursor,
    );
    return page;
  }
}
