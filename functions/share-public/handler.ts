import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { loadRuntimeConfig, loadShareBucket } from '@shared/config/app-config';
import { DynamoAttemptLimiter } from '@shared/store/dynamo-attempt-limiter';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { DynamoShareRequests } from '@shared/store/dynamo-share-requests';
import { DynamoShareReports } from '@shared/store/dynamo-share-reports';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { MailboxDownloadNotices } from './mailbox-download-notices';
import { createSharePublicHandler } from './share-public-api';
import { inboundSubmissionFromEnv } from '@shared/inbound/inbound-submission';
import { userMailerFromEnv } from '@shared/outbound/user-mailer-from-env';
import { DynamoSecureMessages } from '@shared/store/dynamo-secure-messages';

const config = loadRuntimeConfig();
/** Only for the origin the page's CSP names; the grants are signed by the shared objects. */
const downloads = new S3DownloadLinks(s3);

/**
 * API Gateway v2, public routes (no authorizer) ▶ share links: the page, grants, reports. Its
 * IAM reaches links, shares and attempt counters, and only writes (never reads) a mailbox, for
 * the owner's download notices.
 */
const shares = new DynamoShareStore(dynamo, config.tableName);
const objects = sharedObjectsFromEnv(s3, loadShareBucket());
const links = new DynamoShareLinks(dynamo, config.tableName);
const limiter = new DynamoAttemptLimiter(dynamo, config.tableName);
const blobs = new S3BlobStore(s3);
const notices = new MailboxDownloadNotices({
  store: new DynamoMailStore(dynamo, config.tableName),
  blobs,
  attachmentsBucket: config.attachmentsBucket,
  storedMessages: new DynamoStoredMessages(dynamo, config.tableName),
});

export const handler = createSharePublicHandler({
  shares,
  links,
  limiter,
  reports: new DynamoShareReports(dynamo, config.tableName),
  objects,
  // Request files: uploads into the requester's share space (share-core's upload operations).
  requests: {
    store: shares,
    objects,
    requests: new DynamoShareRequests(dynamo, config.tableName),
    tiers: config.tiers,
  },
  notices,
  objectOrigin: (bucket) => downloads.origin(bucket),
  // [secure] delivery (issue 10, item 10): the page, its codes (mailed from postmaster@ the
  // sender's domain), grants of its files, and its one reply, handed to ingest as SES would.
  secure: {
    secure: new DynamoSecureMessages(dynamo, config.tableName),
    blobs,
    shareBucket: objects.bucket,
    rawMailBucket: config.rawMailBucket,
    mailer: userMailerFromEnv(),
    inbound: inboundSubmissionFromEnv(),
    shares,
    links,
    limiter,
    objects,
    notices,
  },
});
