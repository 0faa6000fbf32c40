import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { DynamoBounceLedger } from '@shared/store/dynamo-bounce-ledger';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoSendState } from '@shared/store/dynamo-send-state';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { createSendEventsHandler } from './process-events';

const config = loadRuntimeConfig();

/** SQS (SES events via SNS) ▶ delivery status on the Sent copy, suppressions, reports. */
export const handler = createSendEventsHandler({
  store: new DynamoMailStore(dynamo, config.tableName),
  blobs: new S3BlobStore(s3),
  attachmentsBucket: config.attachmentsBucket,
  storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
  state: new DynamoSendState(dynamo, config.tableName),
  reports: new DynamoBounceLedger(dynamo, config.tableName),
});
