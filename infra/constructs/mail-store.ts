import { CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type LifecycleRule,
} from 'aws-cdk-lib/aws-s3';
import { IMPORT_PREFIX } from '@shared/config/resource-names';
import { Construct, type IConstruct } from 'constructs';
import { TABLE_SCHEMA } from '@shared/store/table-schema';

/**
 * Logical ids of the stateful resources. Fixed, so that moving a construct in the tree never
 * makes CloudFormation replace (and, with RETAIN, orphan) a table or bucket full of mail.
 */
export const STORE_LOGICAL_IDS = {
  dataKey: 'DataKey',
  table: 'MailTable',
  rawMailBucket: 'RawMailBucket',
  attachmentsBucket: 'AttachmentsBucket',
  accessLogBucket: 'AccessLogBucket',
} as const;

/**
 * How long a deleted or overwritten object stays recoverable as a noncurrent version: deleting a
 * message for good removes its objects (shared/mailbox/stored-objects), and versioning keeps
 * them this long against a bug or a mistake, then they are gone.
 */
export const NONCURRENT_VERSION_DAYS = 30;
/** A multipart upload nobody completed (a crashed client or function) is aborted after this. */
export const INCOMPLETE_UPLOAD_DAYS = 1;
/** CSV imports are read once by their job; the upload is not kept past this. */
export const IMPORT_UPLOAD_DAYS = 7;

/** Rules on both mail buckets; the attachments bucket also expires its import uploads. */
export function mailBucketLifecycle(withImports: boolean): LifecycleRule[] {
  return [
    {
      id: 'ExpireNoncurrentVersions',
      noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
      abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_UPLOAD_DAYS),
    },
    // Once its noncurrent versions expired, a deleted object's delete marker is all that is left.
    { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
    ...(withImports
      ? [
          {
            id: 'ExpireImportUploads',
            prefix: IMPORT_PREFIX,
            expiration: Duration.days(IMPORT_UPLOAD_DAYS),
          },
        ]
      : []),
  ];
}

/**
 * Where sesame keeps its data: the one DynamoDB table (from TABLE_SCHEMA), the raw-mail bucket
 * SES writes into, the attachments bucket, and the bucket their S3 access logs go to.
 *
 * One customer-managed KMS key encrypts all of it (and the inbound topic). Every reader of mail
 * already needs the table, the raw mail and the attachments together, so separate keys would add
 * key policies to keep in step without narrowing who can read what; the IAM grants, not the key,
 * are what separate the functions. (The inbound queues have their own key: see InboundMail.)
 */
export class MailStore extends Construct {
  readonly key: Key;
  readonly table: Table;
  readonly rawMailBucket: Bucket;
  readonly attachmentsBucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.key = new Key(this, 'DataKey', {
      description: 'sesame: encrypts mail at rest (table, buckets, inbound topic)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableId(this.key.node.defaultChild, STORE_LOGICAL_IDS.dataKey);

    this.table = this.buildTable();
    this.accessLogBucket = this.buildAccessLogBucket();
    this.rawMailBucket = this.buildMailBucket(
      'RawMailBucket',
      STORE_LOGICAL_IDS.rawMailBucket,
      'raw-mail/',
      mailBucketLifecycle(false),
    );
    this.attachmentsBucket = this.buildMailBucket(
      'AttachmentsBucket',
      STORE_LOGICAL_IDS.attachmentsBucket,
      'attachments/',
      mailBucketLifecycle(true),
    );
  }

  private buildTable(): Table {
    const string = (name: string) => ({ name, type: AttributeType.STRING });
    const table = new Table(this, 'MailTable', {
      partitionKey: string(TABLE_SCHEMA.partitionKey),
      sortKey: string(TABLE_SCHEMA.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE_SCHEMA.indexes)) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        // Listing views render from the index alone: one read per page, never one per item;
        // the message indexes hold only the summary a list shows (shared/store/table-schema).
        ...(index.projection.type === 'INCLUDE'
          ? {
              projectionType: ProjectionType.INCLUDE,
              nonKeyAttributes: [...index.projection.attributes],
            }
          : { projectionType: ProjectionType.ALL }),
      });
    }
    stableId(table.node.defaultChild, STORE_LOGICAL_IDS.table);
    return table;
  }

  /** S3 server access logs cannot be delivered to a bucket encrypted with SSE-KMS: SSE-S3 here. */
  private buildAccessLogBucket(): Bucket {
    const bucket = new Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableId(bucket.node.defaultChild, STORE_LOGICAL_IDS.accessLogBucket);
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the mail buckets; logging its own access would ' +
        'log the log deliveries themselves, without end.',
    });
    return bucket;
  }

  private buildMailBucket(
    id: string,
    logicalId: string,
    logPrefix: string,
    lifecycleRules: LifecycleRule[],
  ): Bucket {
    const bucket = new Bucket(this, id, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket rather than one KMS call per object (cost and KMS rate limits).
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: logPrefix,
      lifecycleRules,
    });
    stableId(bucket.node.defaultChild, logicalId);
    return bucket;
  }
}

function stableId(cfn: IConstruct | undefined, logicalId: string): void {
  if (!(cfn instanceof CfnResource)) throw new Error(`cannot pin logical id ${logicalId}`);
  cfn.overrideLogicalId(logicalId);
}
