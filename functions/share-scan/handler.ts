import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { loadRuntimeConfig, loadShareBucket } from '@shared/config/app-config';
import { loadIngestConfig } from '@shared/inbound/ingest-config';
import { resolveAttachmentPolicy } from '@shared/scan/attachment-policy';
import { ClamavScanner, parseClamdAddress } from '@shared/scan/clamav-scanner';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { createShareScanHandler } from './process-events';

const config = loadRuntimeConfig();
const { clamdAddress } = loadIngestConfig();
const accounts = new DynamoMailStore(dynamo, config.tableName);

/** SQS (S3 object-created events) ▶ stream each shared file through the checks (issue 9). */
export const handler = createShareScanHandler({
  store: new DynamoShareStore(dynamo, config.tableName),
  objects: sharedObjectsFromEnv(s3, loadShareBucket()),
  policyFor: async (tenantId) =>
    resolveAttachmentPolicy((await accounts.getTenant(tenantId))?.attachmentPolicy),
  ...(clamdAddress && { scanner: new ClamavScanner(parseClamdAddress(clamdAddress)) }),
});
