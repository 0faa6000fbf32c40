import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { loadRuntimeConfig, loadShareBucket } from '@shared/config/app-config';
import { logger } from '@shared/log/logger';
import { sweepDueShares } from '@shared/share/expiry-sweep';
import { noticeNewReports } from '@shared/share/report-notices';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoShareReports } from '@shared/store/dynamo-share-reports';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { MailboxAdminNotices } from './mailbox-admin-notices';

const config = loadRuntimeConfig();
const store = new DynamoShareStore(dynamo, config.tableName);
const deps = {
  store,
  objects: sharedObjectsFromEnv(s3, loadShareBucket()),
};
const reportNotices = {
  reports: new DynamoShareReports(dynamo, config.tableName),
  shares: store,
  tenancy: new DynamoTenancyStore(dynamo, config.tableName),
  notices: new MailboxAdminNotices({
    store: new DynamoMailStore(dynamo, config.tableName),
    blobs: new S3BlobStore(s3),
    attachmentsBucket: config.attachmentsBucket,
    storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
  }),
};

/**
 * EventBridge schedule (hourly) ▶ delete expired shares and abort abandoned uploads, returning
 * their space (issue 9). A share it could not remove is logged and retried on the next run.
 * Then tells tenant admins of new abuse reports (the public function only leaves a marker).
 */
export const handler = async () => {
  const report = await sweepDueShares(deps);
  if (report.failed.length > 0)
    logger.error('share sweep left shares behind', { failed: report.failed });
  const reportsTold = await noticeNewReports(reportNotices);
  logger.info('share sweep done', { ...report, failed: report.failed.length, reportsTold });
  return { ...report, reportsTold };
};
