import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { loadRuntimeConfig, loadShareBucket } from '@shared/config/app-config';
import { logger } from '@shared/log/logger';
import { sweepDueShares } from '@shared/share/expiry-sweep';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';

const config = loadRuntimeConfig();
const deps = {
  store: new DynamoShareStore(dynamo, config.tableName),
  objects: sharedObjectsFromEnv(s3, loadShareBucket()),
};

/**
 * EventBridge schedule (hourly) ▶ delete expired shares and abort abandoned uploads, returning
 * their space (issue 9). A share it could not remove is logged and retried on the next run.
 */
export const handler = async () => {
  const report = await sweepDueShares(deps);
  if (report.failed.length > 0)
    logger.error('share sweep left shares behind', { failed: report.failed });
  logger.info('share sweep done', { ...report, failed: report.failed.length });
  return report;
};
