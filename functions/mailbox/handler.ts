import { dynamo, s3 } from '@shared/aws/clients';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { createMailboxHandler } from './mailbox-api';

const config = loadRuntimeConfig();

/** API Gateway v2 (JWT authorizer) ▶ the caller's own mailbox. */
const quota = new DynamoQuotaStore(dynamo, config.tableName);

export const handler = createMailboxHandler({
  store: new DynamoMailStore(dynamo, config.tableName),
  purge: (address, id) => quota.purgeMessage(address, id),
  blobs: new S3BlobStore(s3),
  links: new S3DownloadLinks(s3),
  attachmentsBucket: config.attachmentsBucket,
});
