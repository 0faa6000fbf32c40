import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoChangeLog } from '@shared/store/change-log';
import { DynamoFolders } from '@shared/store/dynamo-folders';
import { DynamoRecoverable } from '@shared/store/dynamo-recoverable';
import { DynamoMessageChanges } from '@shared/store/message-changes';
import { DynamoSearchIndex } from '@shared/store/dynamo-search-index';
import { createMailboxHandler } from './mailbox-api';

const config = loadRuntimeConfig();

/** API Gateway v2 (JWT authorizer) ▶ the caller's own mailbox. */
const blobs = new S3BlobStore(s3);

export const handler = createMailboxHandler({
  store: new DynamoMailStore(dynamo, config.tableName),
  messages: new DynamoMessageChanges(dynamo, config.tableName),
  folders: new DynamoFolders(dynamo, config.tableName),
  recoverable: new DynamoRecoverable(dynamo, config.tableName),
  changeLog: new DynamoChangeLog(dynamo, config.tableName),
  blobs,
  links: new S3DownloadLinks(s3),
  attachmentsBucket: config.attachmentsBucket,
  searchIndex: new DynamoSearchIndex(dynamo, config.tableName),
});
