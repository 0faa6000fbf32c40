import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3_CHECKSUMS } from './s3-options';

/**
 * SDK clients, built once per process. Which world they talk to is decided by the SDK's own
 * endpoint settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3): infra/local sets them to the
 * local stand-ins, Lambda leaves them unset. An S3 emulator needs path-style addressing.
 */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export const s3 = new S3Client({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  ...S3_CHECKSUMS,
});
