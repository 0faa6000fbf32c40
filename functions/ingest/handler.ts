import { SESv2Client } from '@aws-sdk/client-sesv2';
import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { loadIngestConfig } from '@shared/inbound/ingest-config';
import { LocalOutboxMailer } from '@shared/outbound/local-outbox-mailer';
import { SesMailer } from '@shared/outbound/ses-mailer';
import { ClamavScanner, parseClamdAddress } from '@shared/scan/clamav-scanner';
import { DynamoBounceLedger } from '@shared/store/dynamo-bounce-ledger';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoRefusalLedger } from '@shared/store/dynamo-refusal-ledger';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { DynamoSearchIndex } from '@shared/store/dynamo-search-index';
import { DynamoSendState } from '@shared/store/dynamo-send-state';
import { DynamoSecureMessages } from '@shared/store/dynamo-secure-messages';
import { createIngestHandler } from './process-batch';

const config = loadRuntimeConfig();
const ingest = loadIngestConfig();

/** SQS (SES notifications via SNS) ▶ parse, scan and index each message, or bounce it. */
export const handler = createIngestHandler({
  store: new DynamoMailStore(dynamo, config.tableName),
  blobs: new S3BlobStore(s3),
  attachmentsBucket: config.attachmentsBucket,
  bounces: new DynamoBounceLedger(dynamo, config.tableName),
  refusals: new DynamoRefusalLedger(dynamo, config.tableName),
  notices: new DynamoQuotaStore(dynamo, config.tableName),
  storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
  searchIndex: new DynamoSearchIndex(dynamo, config.tableName),
  threadAliases: new DynamoSendState(dynamo, config.tableName),
  // [secure] delivery (issue 10): a reply is taken only as the public page claimed it.
  secureReplies: new DynamoSecureMessages(dynamo, config.tableName),
  mailer: ingest.outboxDir
    ? new LocalOutboxMailer(ingest.outboxDir)
    : new SesMailer(new SESv2Client({})),
  ...(ingest.clamdAddress && {
    scanner: new ClamavScanner(parseClamdAddress(ingest.clamdAddress)),
  }),
});
