import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '@shared/log/logger';
import { parseSesEventRecord, recordSesEvent, type SesEventDeps } from '@shared/send/ses-events';

/** SQS records of SES events ▶ each recorded on its Sent copy; a failed one is retried alone. */
export function createSendEventsHandler(deps: SesEventDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await recordSesEvent(deps, parseSesEventRecord(record));
      } catch (error) {
        logger.error('SES event not recorded; it will be retried or parked', {
          sqsId: record.messageId,
          error: error as Error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
