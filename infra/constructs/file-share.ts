import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueWithAlarm } from './dead-letter-queue';
import { FUNCTION_LIMITS } from '@shared/config/function-limits';
import {
  ENV,
  SECURE_MESSAGE_PREFIX,
  SHARE_PREFIX,
  SYSTEM_NOTICE_PREFIX,
} from '@shared/config/resource-names';
import { SHARE_UPLOAD_CORS } from '@shared/config/share-cors';
import {
  SHARE_SCAN_MAX_RECEIVE_COUNT,
  SHARE_SWEEP_INTERVAL_MINUTES,
} from '@shared/config/share-scan-queue';
import type { TierTable } from '@shared/config/tiers';
import { TABLE_SCHEMA } from '@shared/store/table-schema';
import { onPrefixes } from './api-function-access';
import type { MailStore } from './mail-store';
import { SesameFunction, type PrefixGrants } from './sesame-function';
import { partitionCondition } from './table-partitions';

export const SHARE_LOGICAL_IDS = { bucket: 'ShareBucket' } as const;
/** The bucket's lifecycle rule drops parts of uploads nobody completed (the sweep frees their space). */
export const SHARE_INCOMPLETE_UPLOAD_DAYS = 1;
/** SQS visibility timeout as a multiple of the scan function's timeout (Lambda's guidance: 6). */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** One file per invocation: each streams up to 20 GiB, and a failure retries that file alone. */
const SCAN_BATCH_SIZE = 1;

/** Every item of a share lives in its own `SHARE#<id>` partition (shared/store/keys). */
const SHARE_PARTITIONS = ['SHARE#'];
/** The one attribute of a mailbox item the share functions change: its share space used. */
export const SHARE_SPACE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'shareBytesUsed',
];

/**
 * A [secure] message's page content (issue 10) outlives its longest link: the tiers' largest
 * `maxLinkDays` (a lifecycle rule cannot tell tiers apart), plus a day of margin, since a link's
 * life starts when the send completes, after the content was written; a page must never find
 * its link alive and its content gone. The handlers enforce each link's own expiry.
 */
export function secureMessageExpiryDays(tiers: TierTable): number {
  return Math.max(...Object.values(tiers).map((tier) => tier.maxLinkDays)) + 1;
}

/** Object access of each share function: under `shares/`, and `secure/` for [secure] delivery. */
export const SHARE_OBJECTS: Record<
  'shares' | 'share-scan' | 'share-sweep' | 'share-public' | 'send',
  PrefixGrants
> = {
  // Presigns part PUTs (the browser's upload runs with these rights), opens, lists, completes
  // and aborts uploads, deletes shares' objects; no byte of a file passes it.
  shares: {
    [SHARE_PREFIX]: [
      's3:PutObject',
      's3:GetObject',
      's3:DeleteObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ],
  },
  // Streams each uploaded object through the checks.
  'share-scan': { [SHARE_PREFIX]: ['s3:GetObject'] },
  // Deletes expired objects and aborts abandoned uploads.
  'share-sweep': { [SHARE_PREFIX]: ['s3:DeleteObject', 's3:AbortMultipartUpload'] },
  // Share links, public side (share-links): presigns the grants' GETs, and runs the request
  // page's uploads into the requester's space (part PUTs, list, complete, abort on refusal).
  'share-public': {
    [SHARE_PREFIX]: [
      's3:PutObject',
      's3:GetObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ],
    // [secure] delivery (issue 10): reads a message's page content once the code is checked.
    [SECURE_MESSAGE_PREFIX]: ['s3:GetObject'],
  },
  // Sending (issue 10): writes an attachment too large to send as a share's object (the scan
  // then runs as for any upload), and deletes it again when the send is refused.
  // [secure] delivery (issue 10): writes a message's page content under secure/, and deletes it
  // when the send fails after it was written.
  send: {
    [SHARE_PREFIX]: ['s3:PutObject', 's3:DeleteObject'],
    [SECURE_MESSAGE_PREFIX]: ['s3:PutObject', 's3:DeleteObject'],
  },
};

/** The link and request items (share-links): under their token hash, apart from shares. */
const LINK_PARTITIONS = ['LINK#', 'REQUEST#'];

export interface FileShareProps {
  store: MailStore;
  tiers: TierTable;
  /** The API function that serves the `/shares` routes (MailApi builds it from the route table). */
  sharesFunction: SesameFunction;
  /** The public function of share links and request pages (share-links); its table grants are
   * in FUNCTION_ACCESS, its share-bucket and share-space grants here. */
  publicFunction: SesameFunction;
  /** The send function (issue 10): shares too-large attachments and links them per recipient;
   * its table grants (RW) are in FUNCTION_ACCESS, its share-bucket and share-space ones here. */
  sendFunction?: SesameFunction;
  /** Origins whose pages upload parts straight to the bucket (the API's own, where the public
   * request page lives, and a web client's). */
  uploadOrigins: string[];
}

/**
 * The large-file share (issue 9), one construct: the share bucket (KMS, TLS only, no public
 * access, CORS for browser part uploads, incomplete uploads aborted after a day), its
 * object-created events → SQS (+ DLQ and alarm) → the scan function, the hourly expiry sweep,
 * and the narrow grants of the `/shares` API function. Bytes go from the browser to S3 through
 * presigned part URLs and never pass a Lambda.
 */
export class FileShare extends Construct {
  readonly bucket: Bucket;
  readonly scanQueue: Queue;
  readonly scanDeadLetterQueue: Queue;
  readonly scanDeadLetterAlarm: Alarm;
  readonly scanFunction: SesameFunction;
  readonly sweepFunction: SesameFunction;

  constructor(scope: Construct, id: string, props: FileShareProps) {
    super(scope, id);
    const { store } = props;
    this.bucket = new Bucket(this, 'ShareBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: store.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      // Not versioned, unlike the mail buckets: deleting, expiring or taking down a share must
      // remove its bytes at once, not keep them as a noncurrent version.
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: store.accessLogBucket,
      serverAccessLogsPrefix: 'shares/',
      cors: [
        {
          allowedOrigins: props.uploadOrigins,
          allowedMethods: SHARE_UPLOAD_CORS.allowedMethods.map((method) => HttpMethods[method]),
          allowedHeaders: [...SHARE_UPLOAD_CORS.allowedHeaders],
          exposedHeaders: [...SHARE_UPLOAD_CORS.exposedHeaders],
          maxAge: SHARE_UPLOAD_CORS.maxAgeSeconds,
        },
      ],
      lifecycleRules: [
        {
          id: 'AbortIncompleteShareUploads',
          abortIncompleteMultipartUploadAfter: Duration.days(SHARE_INCOMPLETE_UPLOAD_DAYS),
        },
        // [secure] delivery (issue 10): no page content is kept past its last possible reader.
        {
          id: 'ExpireSecureMessages',
          prefix: SECURE_MESSAGE_PREFIX,
          expiration: Duration.days(secureMessageExpiryDays(props.tiers)),
        },
      ],
    });
    const cfnBucket = this.bucket.node.defaultChild;
    if (cfnBucket instanceof CfnResource) cfnBucket.overrideLogicalId(SHARE_LOGICAL_IDS.bucket);

    // S3 may use this key for these queues only; the data key's policy stays free of S3.
    const queueKey = new Key(this, 'ScanQueueKey', {
      description: 'sesame: encrypts the share scan queues (S3 object-created events)',
      enableKeyRotation: true,
    });
    const deadLetter = deadLetterQueueWithAlarm(this, {
      queueId: 'ScanDeadLetterQueue',
      alarmId: 'ScanDeadLetterAlarm',
      key: queueKey,
      of: 'the share scan queue',
      alarmDescription:
        'sesame: a shared file could not be scanned (it stays in scanning, never shared); see the README, "Large-file share"',
    });
    this.scanDeadLetterQueue = deadLetter.queue;
    this.scanDeadLetterAlarm = deadLetter.alarm;
    this.scanQueue = new Queue(this, 'ScanQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: queueKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        FUNCTION_LIMITS['share-scan'].timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      ),
      deadLetterQueue: {
        queue: this.scanDeadLetterQueue,
        maxReceiveCount: SHARE_SCAN_MAX_RECEIVE_COUNT,
      },
    });
    this.notifyScanQueue(queueKey);

    this.scanFunction = this.shareFunction(
      'ScanFunction',
      'share-scan',
      props,
      'Scans shared files (S3 event via SQS) before anything is shared',
    )
      .bindTableItems(store.table, [
        { actions: ['GetItem', 'UpdateItem', 'PutItem'], partitions: SHARE_PARTITIONS },
        // The tenant's attachment policy.
        { actions: ['GetItem'], partitions: ['TENANT#'] },
      ])
      .bindObjects(this.bucket, ENV.shareBucket, SHARE_OBJECTS['share-scan']);
    this.scanFunction.addEventSource(
      new SqsEventSource(this.scanQueue, {
        batchSize: SCAN_BATCH_SIZE,
        reportBatchItemFailures: true,
      }),
    );

    this.sweepFunction = this.shareFunction(
      'SweepFunction',
      'share-sweep',
      props,
      'Deletes expired shares and aborts abandoned uploads',
    )
      // Reads the shares the due markers name, and writes their removal; of mail, only what a
      // report notice needs (below): it reads no message.
      .bindTableItems(store.table, [
        { actions: ['GetItem', 'BatchGetItem'], partitions: SHARE_PARTITIONS },
        // UpdateItem (issue 9, report-notify): an abuse report's `notifiedAt`.
        { actions: ['PutItem', 'UpdateItem', 'DeleteItem'], partitions: SHARE_PARTITIONS },
        // Then one system notice per tenant admin, written into their mailbox like share-public's
        // download notices: the message item and counters, the tombstone check, the .eml's
        // reference count. The mailbox's state is read by grantNoticeState, nothing else of it.
        { actions: ['PutItem', 'UpdateItem'], partitions: ['MBX#'] },
        { actions: ['ConditionCheckItem'], partitions: ['GONE#'] },
        { actions: ['GetItem', 'UpdateItem'], partitions: ['STORED#'] },
      ])
      .bindObjects(this.bucket, ENV.shareBucket, SHARE_OBJECTS['share-sweep'])
      .bindObjects(
        store.attachmentsBucket,
        ENV.attachmentsBucket,
        onPrefixes([SYSTEM_NOTICE_PREFIX], ['s3:PutObject', 's3:DeleteObject']),
      );
    grantShareSpace(this.sweepFunction, store.table);
    grantNoticeState(this.sweepFunction, store.table);
    // The due markers: one Query per day on GSI3 (`SHARES#DUE#<date>`), on that index only.
    this.sweepFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${store.table.tableArn}/index/${TABLE_SCHEMA.indexes.directory.name}`],
      }),
    );
    new Rule(this, 'SweepSchedule', {
      description: 'sesame: the large-file share expiry sweep',
      schedule: Schedule.rate(Duration.minutes(SHARE_SWEEP_INTERVAL_MINUTES)),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 2 })],
    });

    // The API function (MailApi gave it table reads): its share items, the share space, objects.
    props.sharesFunction
      .bindTableItems(store.table, [
        { actions: ['PutItem', 'UpdateItem', 'DeleteItem'], partitions: SHARE_PARTITIONS },
      ])
      .bindObjects(this.bucket, ENV.shareBucket, SHARE_OBJECTS.shares);
    grantShareSpace(props.sharesFunction, store.table);
    // Share links (share-links): the owner creates, extends and revokes links and request links.
    props.sharesFunction.bindTableItems(store.table, [
      { actions: ['PutItem', 'UpdateItem'], partitions: LINK_PARTITIONS },
    ]);
    props.publicFunction.bindObjects(this.bucket, ENV.shareBucket, SHARE_OBJECTS['share-public']);
    grantShareSpace(props.publicFunction, store.table);
    // The owner's download notice is indexed like any message, which reads the mailbox's state
    // (change counter and quota) first: that much of the mailbox item and nothing else.
    grantNoticeState(props.publicFunction, store.table);
    if (props.sendFunction) {
      props.sendFunction.bindObjects(this.bucket, ENV.shareBucket, SHARE_OBJECTS.send);
      grantShareSpace(props.sendFunction, store.table);
    }
  }

  /**
   * Object-created events under `shares/` → the scan queue, in the bucket's own notification
   * configuration (no deploy-time custom resource: CDK's addEventNotification would add a Lambda
   * with a managed policy). S3 checks the destination when the bucket is created, so the queue
   * policy must exist first and cannot name the bucket (a circular dependency): it admits S3
   * from this account only (aws:SourceAccount). Another bucket of the account sending here could
   * only ask for a scan of a share whose key it names, which the scan reads from the share
   * bucket itself, and only while that share is `scanning`.
   */
  private notifyScanQueue(queueKey: Key): void {
    const account = Stack.of(this).account;
    const s3 = new ServicePrincipal('s3.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };
    this.scanQueue.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        principals: [s3],
        resources: [this.scanQueue.queueArn],
        conditions: fromThisAccount,
      }),
    );
    queueKey.addToResourcePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        principals: [s3],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: this.scanQueue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: SHARE_PREFIX }] } },
        },
      ],
    };
    const queuePolicy = this.scanQueue.node.tryFindChild('Policy');
    if (queuePolicy) cfnBucket.node.addDependency(queuePolicy);
    cfnBucket.node.addDependency(queueKey);
  }

  /** A share function that reads the common runtime config (bucket names grant nothing). */
  private shareFunction(
    id: string,
    functionId: 'share-scan' | 'share-sweep',
    props: FileShareProps,
    description: string,
  ): SesameFunction {
    const fn = new SesameFunction(this, id, { functionId, description, tiers: props.tiers });
    fn.addEnvironment(ENV.rawMailBucket, props.store.rawMailBucket.bucketName);
    fn.addEnvironment(ENV.attachmentsBucket, props.store.attachmentsBucket.bucketName);
    return fn;
  }
}

/**
 * Reserving and returning share space: an UpdateItem on mailbox items (`MBX#`) that may touch
 * `shareBytesUsed` and nothing else, and asks for nothing back.
 */
export function grantShareSpace(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': SHARE_SPACE_ATTRIBUTES },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
        ...partitionCondition(['MBX#']),
      },
    }),
  );
}

/** What delivering a system notice reads of the mailbox item (shared/store/change-log readState). */
export const NOTICE_STATE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'changes',
  'quotaBytes',
  'usedBytes',
];

/**
 * System notices written by the share functions (the sweep's report notices, share-public's
 * download notices): a GetItem on mailbox items (`MBX#`) that may ask for the change-log state
 * and quota only, so no message content can be read.
 */
export function grantNoticeState(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': NOTICE_STATE_ATTRIBUTES },
        StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        ...partitionCondition(['MBX#']),
      },
    }),
  );
}
