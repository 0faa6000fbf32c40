import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SHARE_LIMITS } from '../share/limits';
import type { ShareReport, ShareReportStore } from '../share/share-reports';
import type { Page } from '../tenancy/tenancy-store';
import { strip } from './account-items';
import { queryPartition } from './gsi3-query';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';

const DAY_SECONDS = 86_400;

/** ShareReportStore: `SHARE#<id>`/`REPORT#<id>`, on GSI3 under `TENANT#<id>#REPORTS`. */
export class DynamoShareReports implements ShareReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putReport(report: ShareReport, retainUntil: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.shareReport(report.shareId, report.id),
          type: 'share-report',
          GSI3PK: keys.tenantReports(report.tenantId),
          GSI3SK: `${report.at}#${report.id}`,
          ...report,
          // Kept as long as the share's audit trail.
          [TABLE_SCHEMA.ttlAttribute]:
            Math.floor(Date.parse(retainUntil) / 1000) +
            SHARE_LIMITS.auditRetentionDays * DAY_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async listTenantReports(
    tenantId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<ShareReport>> {
    const page = await queryPartition(this.client, this.tableName, {
      partition: keys.tenantReports(tenantId),
      limit,
      cursor,
      newestFirst: true,
    });
    const items = page.items.map((item) => {
      const {
        type: _t,
        GSI3PK: _p,
        GSI3SK: _s,
        [TABLE_SCHEMA.ttlAttribute]: _ttl,
        ...rest
      } = strip<Record<string, unknown>>(item);
      return rest as unknown as ShareReport;
    });
    return { items, ...(page.next && { next: page.next }) };
  }
}
