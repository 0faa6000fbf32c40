import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SweepCursorStore, SweepPosition } from '../mailbox/sweep-walk';
import { keys } from './keys';

/** The attributes of a sweep's cursor item: all its IAM grant lets the sweep write. */
export const SWEEP_CURSOR_ATTRIBUTES = ['PK', 'SK', 'type', 'position', 'savedAt'];

/**
 * A bounded sweep's resume point, one item `SWEEP#<sweep>`/`CURSOR`. A finished pass leaves the
 * item without a position, so the next run begins a new pass.
 */
export class DynamoSweepCursor implements SweepCursorStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sweep: string,
  ) {}

  async load(): Promise<SweepPosition | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.sweepCursor(this.sweep) }),
    );
    return Item?.position as SweepPosition | undefined;
  }

  async save(position: SweepPosition | undefined, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.sweepCursor(this.sweep),
          type: 'sweep-cursor',
          savedAt: now.toISOString(),
          ...(position && { position }),
        },
      }),
    );
  }
}
