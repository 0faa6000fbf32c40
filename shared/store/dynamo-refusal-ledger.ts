import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordedRefusal, Refusal, RefusalLedger } from '../inbound/refusals';
import { keys } from './keys';
import { putOnceWithTtl } from './put-once';
import { TABLE_SCHEMA } from './table-schema';

/** How long an operator can list a refusal; then DynamoDB's TTL removes it. */
export const REFUSAL_TTL_DAYS = 90;
const DAY_MS = 24 * 3600 * 1000;
/** Above every character of an address or SES id: the end of a sort-key range. */
const RANGE_END = '\uffff';

function recorded(item: Record<string, unknown>): RecordedRefusal {
  return {
    sesMessageId: String(item.sesMessageId),
    recipient: String(item.recipient),
    sender: String(item.sender ?? ''),
    reason: item.reason as RecordedRefusal['reason'],
    ...(typeof item.cause === 'string' && { cause: item.cause as RecordedRefusal['cause'] }),
    receivedAt: String(item.receivedAt),
    recordedAt: String(item.recordedAt),
  };
}

/** The RefusalLedger on the mail table: one item per refused (SES message, recipient). */
export class DynamoRefusalLedger implements RefusalLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(refusal: Refusal): Promise<boolean> {
    const at = this.now();
    return putOnceWithTtl(
      this.client,
      this.tableName,
      {
        ...keys.refusal(refusal.receivedAt, refusal.sesMessageId, refusal.recipient),
        type: 'refusal',
        ...refusal,
        recordedAt: at.toISOString(),
      },
      at,
      (REFUSAL_TTL_DAYS * DAY_MS) / 1000,
    );
  }

  /**
   * The refusals of mail received from `since` up to `until`, oldest first: one Query per UTC
   * day (each paged to its end), never a Scan. Older than the TTL there is nothing to read, so
   * the range starts at most REFUSAL_TTL_DAYS back.
   */
  async *list(since: Date, until: Date = this.now()): AsyncGenerator<RecordedRefusal> {
    const earliest = until.getTime() - REFUSAL_TTL_DAYS * DAY_MS;
    const from = new Date(Math.max(since.getTime(), earliest)).toISOString();
    const to = until.toISOString();
    for (let day = from.slice(0, 10); day <= to.slice(0, 10); day = nextDay(day)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: {
              '#pk': TABLE_SCHEMA.partitionKey,
              '#sk': TABLE_SCHEMA.sortKey,
            },
            ExpressionAttributeValues: {
              ':pk': keys.refusalDay(day),
              ':from': from,
              ':to': `${to}${RANGE_END}`,
            },
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        for (const item of page.Items ?? []) yield recorded(item);
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}
