import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { parseSesRecord } from '@shared/inbound/ses-notification';
import { logger } from '@shared/log/logger';

/**
 * The ingest adapter: every SQS record is one SES notification. Records are processed one after
 * another, not concurrently: a message can be 40 MB raw plus its decoded parts, and ten of those
 * at once would exhaust the function's memory and fail (then retry) the whole batch. A record
 * that fails is reported on its own (partial batch response) so SQS retries it, and parks it on
 * the DLQ after the queue's receive limit; the rest of the batch is not redone.
 */
export function createIngestHandler(deps: IngestDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const parsed = parseSesRecord(record);
        if (parsed.kind === 'setup') {
          logger.info('SES topic set-up notification received', { sqsId: record.messageId });
          continue;
        }
        const outcomes = await ingestMessage(parsed.notification, deps);
        logger.info('message ingested', {
          sesMessageId: parsed.notification.mail.messageId,
          outcomes: outcomes.map(({ recipient, outcome, bounce, refused }) => ({
            recipient,
            outcome,
            ...(bounce && { bounce }),
            ...(refused && { refused }),
          })),
        });
      } catch (error) {
        logger.error('ingest failed; the record will be retried', {
          sqsId: record.messageId,
          error: error as Error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
