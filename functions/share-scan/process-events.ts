import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '@shared/log/logger';
import { scanUploadedShare, type ShareScanDeps } from '@shared/share/scan-uploaded-share';

/** The parts of an S3 event notification the scan reads (S3 → SQS, raw JSON body). */
interface S3EventBody {
  Records?: {
    eventName?: string;
    s3?: { bucket?: { name?: string }; object?: { key?: string } };
  }[];
  /** S3's `s3:TestEvent` when the notification is set up: nothing to scan. */
  Event?: string;
}

/** S3 puts object keys in events URL-encoded, spaces as `+`. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

async function processRecord(deps: ShareScanDeps, record: SQSRecord): Promise<void> {
  const body = JSON.parse(record.body) as S3EventBody;
  for (const event of body.Records ?? []) {
    if (!event.eventName?.startsWith('ObjectCreated:')) continue;
    const key = event.s3?.object?.key;
    if (!key) continue;
    const outcome = await scanUploadedShare(deps, decodeKey(key));
    // The completion's transaction has not committed yet: fail the record, SQS brings it back.
    if (outcome === 'not-ready') throw new Error(`share object ${key} is not marked uploaded yet`);
    logger.info('share object handled', { key, outcome });
  }
}

/**
 * SQS (S3 object-created events of the share bucket) ▶ scan each object, record the verdict.
 * Records are handled one after another (each streams a whole file); a record that fails is
 * reported alone (ReportBatchItemFailures) and comes back, until the DLQ takes it.
 */
export function createShareScanHandler(deps: ShareScanDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await processRecord(deps, record);
      } catch (error) {
        logger.error('share scan failed', {
          sqsId: record.messageId,
          reason: error instanceof Error ? error.message : String(error),
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
