import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** One conditional update: true when it was made, false when its condition did not hold. */
export async function conditionalUpdate(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<boolean> {
  try {
    await client.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
