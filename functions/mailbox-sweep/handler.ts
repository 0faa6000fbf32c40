import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { logger } from '@shared/log/logger';
import { MAILBOX_SWEEP_SCHEDULE } from '@shared/config/sweep-schedule';
import { runBudget, sweepRun } from '@shared/mailbox/sweep-walk';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoRecoverable } from '@shared/store/dynamo-recoverable';
import { DynamoSweepCursor } from '@shared/store/dynamo-sweep-cursor';
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
  cursor: new DynamoSweepCursor(dynamo, config.tableName, MAILBOX_SWEEP_SCHEDULE.cursor),
};

/**
 * The schedule (EventBridge in AWS, a timer in the local runtime) ▶ the next stretch of every
 * tenant's retention, as of the event's time: Junk and Deleted Items past their days become
 * recoverable items, and recoverable items past the recovery window are purged, bytes included.
 * A run stops at its page budget or before the Lambda's time runs out, and the next goes on.
 */
export async function handler(
  event: Pick<ScheduledEvent, 'time'>,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) {
  const now = event.time ? new Date(event.time) : new Date();
  const remainingMs = context && (() => context.getRemainingTimeInMillis());
  const budget = runBudget(MAILBOX_SWEEP_SCHEDULE.pagesPerRun, remainingMs);
  const report = await sweepRun(deps, now, budget);
  if (report.failed.length) logger.error('mailbox sweep left mailboxes', { failed: report.failed });
  logger.info('mailbox sweep', { at: now.toISOString(), ...report, failed: report.failed.length });
  return report;
}
