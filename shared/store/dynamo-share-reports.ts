import {
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { SHARE_LIMITS } from '../share/limits';
import type { PendingReportNotice, ReportNoticeStore } from '../share/report-notices';
import type { ShareReport, ShareReportStore } from '../share/share-reports';
import type { Page } from '../tenancy/tenancy-store';
import { strip } from './account-items';
import { conditionalUpdate } from './conditional-update';
import { queryPartition } from './gsi3-query';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';

const DAY_SECONDS = 86_400;

/**
 * ShareReportStore: `SHARE#<id>`/`REPORT#<id>`, on GSI3 under `TENANT#<id>#REPORTS`, written
 * with its notice marker `SHARE#<id>`/`NOTIFY#REPORT#<id>` (on GSI3 under `REPORTS#UNNOTIFIED`):
 * the public function only writes, the share sweep finds the marker and tells the admins.
 */
export class DynamoShareReports implements ShareReportStore, ReportNoticeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putReport(report: ShareReport, retainUntil: string): Promise<void> {
    // Kept as long as the share's audit trail.
    const expiry =
      Math.floor(Date.parse(retainUntil) / 1000) + SHARE_LIMITS.auditRetentionDays * DAY_SECONDS;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.shareReport(report.shareId, report.id),
                type: 'share-report',
                GSI3PK: keys.tenantReports(report.tenantId),
                GSI3SK: `${report.at}#${report.id}`,
                ...report,
                [TABLE_SCHEMA.ttlAttribute]: expiry,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.reportNotice(report.shareId, report.id),
                type: 'share-report-notice',
                GSI3PK: keys.unnotifiedReports,
                GSI3SK: `${report.at}#${report.id}`,
                shareId: report.shareId,
                reportId: report.id,
                [TABLE_SCHEMA.ttlAttribute]: expiry,
              },
            },
          },
        ],
      }),
    );
  }

  async listUnnotified(limit: number): Promise<PendingReportNotice[]> {
    const page = await queryPartition(this.client, this.tableName, {
      partition: keys.unnotifiedReports,
      limit,
    });
    return page.items.map((item) => ({
      shareId: item.shareId as string,
      reportId: item.reportId as string,
    }));
  }

  async getReport(shareId: string, reportId: string): Promise<ShareReport | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.shareReport(shareId, reportId) }),
    );
    return Item ? this.toReport(Item) : undefined;
  }

  markNotified(pending: PendingReportNotice, at: string): Promise<boolean> {
    return conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: keys.shareReport(pending.shareId, pending.reportId),
      UpdateExpression: 'SET notifiedAt = :at',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(notifiedAt)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async clearNotice(pending: PendingReportNotice): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.reportNotice(pending.shareId, pending.reportId),
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
    const items = page.items.map((item) => this.toReport(item));
    return { items, ...(page.next && { next: page.next }) };
  }

  private toReport(item: Record<string, unknown>): ShareReport {
    const {
      type: _t,
      GSI3PK: _p,
      GSI3SK: _s,
      [TABLE_SCHEMA.ttlAttribute]: _ttl,
      ...rest
    } = strip<Record<string, unknown>>(item);
    return rest as unknown as ShareReport;
  }
}
