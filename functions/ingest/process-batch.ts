import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { parseSesRecord } from '@shared/inbound/ses-notification';
import { logger } from '@shared/log/logger';

/**
 * The ingest adapter: every SQS record is one SES notification. A record that fails is
 * reported on its own (partial batch response) so SQS retries it, and parks it on the DLQ
 * after the queue's receive limit; the rest of the batch is not redone.
 */
export function createIngestHandler(deps: IngestDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const settled = await Promise.allSettled(
      event.Records.map(async (record) => {
        const parsed = parseSesRecord(record);
        if (parsed.kind === 'setup') {
          logger.info('SES topic set-up notification received', { sqsId: record.messageId });
          return;
        }
        const outcomes = await ingestMessage(parsed.notification, deps);
        logger.info('message ingested', {
          sesMessageId: parsed.notification.mail.messageId,
          outcomes: outcomes.map(({ recipient, outcome }) => ({ recipient, outcome })),
        });
      }),
    );
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const record = event.Records[i];
      if (!record) return;
      logger.error('ingest failed; the record will be retried', {
        sqsId: record.messageId,
        error: result.reason as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    });
    return { batchItemFailures };
  };
}
