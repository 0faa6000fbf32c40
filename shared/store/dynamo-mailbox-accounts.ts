import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MailboxAccount, MailboxAccounts } from '../sign-in/account-drift';
import { decodePageCursor, encodePageCursor } from './page-cursor';

/** Items a Scan call examines at most (reconcile is an operator's run, not a request). */
const SCAN_PAGE = 100;

/** Every mailbox's address, tenant, role and status, for comparing with the user pool. */
export class DynamoMailboxAccounts implements MailboxAccounts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listMailboxAccounts(cursor?: string) {
    const start = cursor ? decodePageCursor(cursor, ['PK', 'SK']) : undefined;
    const result = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: SCAN_PAGE,
        FilterExpression: 'SK = :profile AND begins_with(PK, :mbx)',
        ProjectionExpression: 'address, tenantId, #role, #status',
        ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
        ExpressionAttributeValues: { ':profile': 'PROFILE', ':mbx': 'MBX#' },
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    const items = (result.Items ?? []) as MailboxAccount[];
    const next = encodePageCursor(result.LastEvaluatedKey);
    return { items, ...(next && { next }) };
  }
}
