import { dynamo, s3 } from '@shared/aws/clients';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { createIngestHandler } from './process-batch';

const config = loadRuntimeConfig();

/** SQS (SES notifications via SNS) ▶ index each message for its hosted recipients. */
export const handler = createIngestHandler({
  store: new DynamoMailStore(dynamo, config.tableName),
  blobs: new S3BlobStore(s3),
  attachmentsBucket: config.attachmentsBucket,
});
