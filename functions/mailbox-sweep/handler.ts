import type { ScheduledEvent } from 'aws-lambda';
import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { logger } from '@shared/log/logger';
import { sweepAll } from '@shared/mailbox/retention-sweep';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoRecoverable } from '@shared/store/dynamo-recoverable';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { DynamoMessageChanges } from '@shared/store/message-changes';

const config = loadRuntimeConfig();

const deps = {
  deletions: new DynamoQuotaStore(dynamo, config.tableName),
  storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
  blobs: new S3BlobStore(s3),
  attachmentsBucket: config.attachmentsBucket,
  messages: new DynamoMessageChanges(dynamo, config.tableName),
  recoverable: new DynamoRecoverable(dynamo, config.tableName),
  store: new DynamoMailStore(dynamo, config.tableName),
  tenants: new DynamoTenancyStore(dynamo, config.tableName),
};

/**
 * The schedule (EventBridge in AWS, a timer in the local runtime) ▶ every tenant's retention, as
 * of the event's time: Junk and Deleted Items past their days become recoverable items, and
 * recoverable items past the recovery window are purged, bytes included.
 */
export async function handler(event: Pick<ScheduledEvent, 'time'>) {
  const now = event.time ? new Date(event.time) : new Date();
  const report = await sweepAll(deps, now);
  logger.info('mailbox sweep', { at: now.toISOString(), ...report });
  return report;
}
