/**
 * Names both worlds share. In AWS, CDK lets CloudFormation choose the physical names (so a
 * second deployment never collides) and hands them to the functions through these env vars;
 * on one machine, infra/local creates the resources under the local names below and sets the
 * same env vars.
 */
export const ENV = {
  tableName: 'SESAME_TABLE_NAME',
  rawMailBucket: 'SESAME_RAW_MAIL_BUCKET',
  attachmentsBucket: 'SESAME_ATTACHMENTS_BUCKET',
  tiers: 'SESAME_TIERS_JSON',
  /** Set on one machine: bounces and other outbound mail become .eml files there, not SES sends. */
  outboxDir: 'SESAME_OUTBOX_DIR',
  /** The Cognito user pool whose sign-in accounts follow the directory (tenant-admin function). */
  userPoolId: 'SESAME_USER_POOL_ID',
  /** `false` on one machine only: the Cognito emulator has no AdminUserGlobalSignOut. */
  globalSignOut: 'SESAME_COGNITO_GLOBAL_SIGN_OUT',
  /** Set on one machine: tenant domains are verified at once (no DNS, no SES identities). */
  localDomains: 'SESAME_LOCAL_DOMAINS',
  /** `host:port` of a clamd to scan every inbound message with; unset: our own checks only. */
  clamdAddress: 'SESAME_CLAMD',
  // Large-file share (issue 9).
  /** The share bucket: multipart uploads straight from the browser, scanned before any link. */
  shareBucket: 'SESAME_SHARE_BUCKET',
  /** Set on one machine: s3rver's data folder, whose upload folders stand in for ListParts and
   * AbortMultipartUpload (shared/blob/local-shared-objects). */
  localS3Dir: 'SESAME_LOCAL_S3_DIR',
  // Sending (issue 10).
  /** The SES configuration set user mail is sent with (its events reach send-events). */
  sesConfigurationSet: 'SESAME_SES_CONFIGURATION_SET',
  // [secure] delivery (issue 10, item 10).
  /** The inbound SNS topic: a secure message's one reply is published there, as SES would. */
  inboundTopicArn: 'SESAME_INBOUND_TOPIC_ARN',
  /** Set on one machine: the local ingest queue's folder, standing in for that topic. */
  localIngestQueueDir: 'SESAME_LOCAL_INGEST_QUEUE_DIR',
} as const;

export const LOCAL_RESOURCE_NAMES = {
  table: 'sesame-mail',
  rawMailBucket: 'sesame-raw-mail',
  attachmentsBucket: 'sesame-attachments',
  // Large-file share (issue 9).
  shareBucket: 'sesame-shares',
} as const;

/**
 * The only senders the ingest function may use, at any tenant's domain: bounces come from
 * MAILER-DAEMON, quota notices from postmaster. CDK turns them into `ses:FromAddress` conditions.
 */
export const SYSTEM_SENDERS = { bounces: 'MAILER-DAEMON', notices: 'postmaster' } as const;

/** Prefix under which SES (and the local SMTP listener) writes each received message. */
export const RAW_MAIL_PREFIX = 'inbound/';

/**
 * Prefixes of the attachments bucket that hold a received message's objects, each named after
 * its SES message id (shared/mailbox/stored-objects): decoded parts, moved-out bodies, and the
 * .eml of system notices. Deleting the last reference deletes them (and IAM grants deletes
 * there only).
 */
export const PART_PREFIX = 'attachments/';
export const BODY_PREFIX = 'bodies/';
export const SYSTEM_NOTICE_PREFIX = 'system/';

/** Prefix of the raw-mail bucket holding each sent message as it left (sent/<sendId>.eml). */
export const SENT_MAIL_PREFIX = 'sent/';

/** Prefix of the attachments bucket where senders upload attachments (presigned PUT). */
export const UPLOAD_PREFIX = 'uploads/';

/** Prefix of the attachments bucket under which tenant admins upload CSV imports (presigned PUT). */
export const IMPORT_PREFIX = 'imports/';

/** Prefix of the share bucket under which each shared file is one object (issue 9). */
export const SHARE_PREFIX = 'shares/';

/**
 * Prefix of the share bucket holding what a [secure] message's outside recipients read on its
 * page (secure/<tenantId>/<secureId>.json), until the message's links expire (issue 10).
 */
export const SECURE_MESSAGE_PREFIX = 'secure/';

/**
 * Where a secure message's one reply is stored before ingest takes it, in the raw-mail bucket
 * beside what SES stores (inbound/secure-reply-<token hash>): share-public may write only there.
 */
export const SECURE_REPLY_KEY_PREFIX = `${RAW_MAIL_PREFIX}secure-reply-`;

/** The Lambda functions of the app: the route table and CDK refer to them by these ids. */
export const FUNCTION_IDS = [
  'ingest',
  'mailbox',
  'admin',
  'tenant-admin',
  'account',
  // Large-file share, core (issue 9): the owner's API, the scan (S3 event via SQS), the sweep.
  'shares',
  'share-scan',
  'share-sweep',
  // Share links, public side (issue 9, share-links): the page, grants, reports, request uploads.
  'share-public',
  // Issue 11: retention and the recovery window, on a schedule (EventBridge; a timer locally).
  'mailbox-sweep',
  // Sending (issue 10): the send API, and SES's events about what it sent.
  'send',
  'send-events',
] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

/**
 * What each fixed object prefix holds (the key names under it are only known at run time): the
 * reasons CDK's least-privilege grants and their cdk-nag acknowledgements give.
 */
export const OBJECT_PREFIX_CONTENTS: Readonly<Record<string, string>> = {
  [RAW_MAIL_PREFIX]: 'raw mail as SES stores it (inbound/<sesMessageId>)',
  [PART_PREFIX]: 'decoded parts of a received message (attachments/<sesMessageId>/<n>)',
  [BODY_PREFIX]: 'bodies moved out of an over-size item (bodies/<sesMessageId>.<part>)',
  [SYSTEM_NOTICE_PREFIX]: 'the .eml of system notices (system/<sesMessageId>.eml)',
  [IMPORT_PREFIX]: 'CSV import uploads (imports/<tenantId>/<jobId>.csv)',
  // Large-file share (issue 9), in the share bucket.
  [SHARE_PREFIX]: 'shared files, uploaded in parts (shares/<tenantId>/<shareId>)',
  // Sending (issue 10), in the mail bucket.
  [SENT_MAIL_PREFIX]: 'sent mail as it left (sent/<sendId>.eml)',
  [UPLOAD_PREFIX]: 'attachments uploaded for a message to send (uploads/<uploadId>)',
  [SECURE_MESSAGE_PREFIX]: "a [secure] message's page content (secure/<tenantId>/<secureId>.json)",
  [SECURE_REPLY_KEY_PREFIX]: "a secure message's reply (inbound/secure-reply-<token hash>)",
};
