import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BounceLedger } from '../inbound/bounce-recipient';
import { keys } from './keys';
import { putOnceWithTtl } from './put-once';

/** Markers outlive any redelivery (SQS keeps a message 14 days at most), then TTL removes them. */
export const BOUNCE_MARKER_TTL_SECONDS = 30 * 24 * 3600;

/** The BounceLedger on the mail table: one marker item per (SES message, recipient). */
export class DynamoBounceLedger implements BounceLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(sesMessageId: string, recipient: string, reason: string): Promise<boolean> {
    const at = this.now();
    return putOnceWithTtl(
      this.client,
      this.tableName,
      {
        ...keys.bounceMarker(sesMessageId, recipient),
        type: 'bounce',
        reason,
        at: at.toISOString(),
      },
      at,
      BOUNCE_MARKER_TTL_SECONDS,
    );
  }

  async release(sesMessageId: string, recipient: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.bounceMarker(sesMessageId, recipient),
      }),
    );
  }
}
