import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { deleteMessageForGood } from '@shared/mailbox/delete-message';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { createMailboxHandler } from './mailbox-api';

const config = loadRuntimeConfig();

/** API Gateway v2 (JWT authorizer) ▶ the caller's own mailbox. */
const blobs = new S3BlobStore(s3);
const deletion = {
  deletions: new DynamoQuotaStore(dynamo, config.tableName),
  storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
  blobs,
  attachmentsBucket: config.attachmentsBucket,
};

export const handler = createMailboxHandler({
  store: new DynamoMailStore(dynamo, config.tableName),
  purge: (address, id) => deleteMessageForGood(deletion, address, id),
  blobs,
  links: new S3DownloadLinks(s3),
  attachmentsBucket: config.attachmentsBucket,
});
