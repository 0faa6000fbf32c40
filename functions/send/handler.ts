import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { S3UploadLinks } from '@shared/blob/s3-upload-links';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { loadIngestConfig } from '@shared/inbound/ingest-config';
import { userMailerFromEnv } from '@shared/outbound/user-mailer-from-env';
import { ClamavScanner, parseClamdAddress } from '@shared/scan/clamav-scanner';
import { ingestDelivery } from '@shared/send/hosted-delivery';
import { DynamoBounceLedger } from '@shared/store/dynamo-bounce-ledger';
import { DynamoDrafts } from '@shared/store/dynamo-drafts';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoRefusalLedger } from '@shared/store/dynamo-refusal-ledger';
import { DynamoSendState } from '@shared/store/dynamo-send-state';
import { DynamoSearchIndex } from '@shared/store/dynamo-search-index';
import { DynamoSecureMessages } from '@shared/store/dynamo-secure-messages';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { loadShareBucket } from '@shared/config/app-config';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { createSendHandler } from './send-api';

const config = loadRuntimeConfig();
const ingest = loadIngestConfig();
const store = new DynamoMailStore(dynamo, config.tableName);
const blobs = new S3BlobStore(s3);
const state = new DynamoSendState(dynamo, config.tableName);
// Mail sent inside sesame is searchable: the recipients' copies and the Sent copy (issue 11).
const searchIndex = new DynamoSearchIndex(dynamo, config.tableName);
// Locally the SES stand-in (outbox .eml and SES's events); in AWS SES v2 with the
// configuration set whose event destination feeds send-events.
const scanner = ingest.clamdAddress
  ? new ClamavScanner(parseClamdAddress(ingest.clamdAddress))
  : undefined;
const outbound = userMailerFromEnv();

/** API Gateway v2 (JWT authorizer) ▶ compose and send as the caller; drafts. */
export const handler = createSendHandler({
  store,
  blobs,
  rawMailBucket: config.rawMailBucket,
  attachmentsBucket: config.attachmentsBucket,
  tiers: config.tiers,
  // Hosted recipients: the ingest pipeline, in this function (same scan, quota, bounces).
  hosted: ingestDelivery({
    store,
    blobs,
    attachmentsBucket: config.attachmentsBucket,
    bounces: new DynamoBounceLedger(dynamo, config.tableName),
    refusals: new DynamoRefusalLedger(dynamo, config.tableName),
    notices: new DynamoQuotaStore(dynamo, config.tableName),
    storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
    threadAliases: state,
    searchIndex,
    mailer: outbound,
    ...(scanner && { scanner }),
  }),
  ...(scanner && { scanner }),
  outbound,
  state,
  searchIndex,
  // [secure] delivery (issue 10, item 10): outsiders' records and the audit trail.
  secure: new DynamoSecureMessages(dynamo, config.tableName),
  uploads: state,
  links: new S3UploadLinks(s3),
  drafts: new DynamoDrafts(dynamo, config.tableName),
  // Large-file share (issue 9): too-large attachments and `{ shareId }` leave as links.
  shares: {
    store: new DynamoShareStore(dynamo, config.tableName),
    links: new DynamoShareLinks(dynamo, config.tableName),
    objects: sharedObjectsFromEnv(s3, loadShareBucket()),
  },
});
