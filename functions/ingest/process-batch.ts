import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { INGEST_MAX_RECEIVE_COUNT } from '@shared/config/ingest-queue';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { lastResortReason, receiveCountOf } from '@shared/inbound/last-resort';
import { parseSesRecord } from '@shared/inbound/ses-notification';
import { admitsSecureReply, type SecureReplyClaims } from '@shared/inbound/secure-reply-gate';
import { logger } from '@shared/log/logger';

/**
 * The ingest adapter: every SQS record is one SES notification. Records are processed one after
 * another, not concurrently: a message can be 40 MB raw plus its decoded parts, and ten of those
 * at once would exhaust the function's memory and fail (then retry) the whole batch. A record
 * that fails is reported on its own (partial batch response) so SQS retries it, and parks it on
 * the DLQ after the queue's receive limit; the rest of the batch is not redone. The last
 * delivery before that limit does not try again what failed: it indexes the message as a
 * quarantined `unparsed` record (shared/inbound/last-resort), so only a failure to write even
 * that is parked.
 */
export function createIngestHandler(
  deps: IngestDeps & { secureReplies?: SecureReplyClaims },
  maxReceiveCount: number = INGEST_MAX_RECEIVE_COUNT,
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const parsed = parseSesRecord(record);
        if (parsed.kind === 'setup') {
          logger.info('SES topic set-up notification received', { sqsId: record.messageId });
          continue;
        }
        if (!(await admitsSecureReply(parsed.notification, deps.secureReplies))) {
          // Not SES's, and not a reply the public page claimed: nothing to deliver or retry.
          logger.warn('a secure reply nobody claimed was refused', {
            sqsId: record.messageId,
            sesMessageId: parsed.notification.mail.messageId,
          });
          continue;
        }
        const receiveCount = receiveCountOf(record);
        const lastDelivery = receiveCount >= maxReceiveCount;
        const outcomes = await ingestMessage(
          parsed.notification,
          deps,
          lastDelivery ? { lastResort: { reason: lastResortReason(receiveCount - 1) } } : {},
        );
        const fields = {
          sesMessageId: parsed.notification.mail.messageId,
          receiveCount,
          outcomes: outcomes.map(({ recipient, outcome, bounce, refused }) => ({
            recipient,
            outcome,
            ...(bounce && { bounce }),
            ...(refused && { refused }),
          })),
        };
        // An operator should look at why every earlier delivery failed: the earlier logs say.
        if (lastDelivery) logger.error('message indexed unprocessed and quarantined', fields);
        else logger.info('message ingested', fields);
      } catch (error) {
        logger.error('ingest failed; the record will be retried or, on its last delivery, parked', {
          sqsId: record.messageId,
          receiveCount: receiveCountOf(record),
          error: error as Error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
