import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB client, built once per process. Which world it talks to is decided by the SDK's
 * own endpoint setting (AWS_ENDPOINT_URL_DYNAMODB): infra/local sets it to DynamoDB Local, Lambda
 * leaves it unset. One module per client, so that a function bundles only the clients it imports.
 */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
