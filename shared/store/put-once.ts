import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from './table-schema';

/**
 * Puts an item that expires `ttlSeconds` after `at` (DynamoDB's TTL removes it), unless an item
 * with its key is already there: true for the call that wrote it, false for every later one.
 * What makes the bounce markers and refusal records idempotent under redelivery.
 */
export async function putOnceWithTtl(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  at: Date,
  ttlSeconds: number,
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...item,
          [TABLE_SCHEMA.ttlAttribute]: Math.floor(at.getTime() / 1000) + ttlSeconds,
        },
        ConditionExpression: `attribute_not_exists(${TABLE_SCHEMA.partitionKey})`,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
