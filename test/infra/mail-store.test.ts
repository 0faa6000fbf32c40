import { SHARE_LOGICAL_IDS } from '../../infra/constructs/file-share';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MESSAGE_SUMMARY_FIELDS, TABLE_SCHEMA } from '@shared/store/table-schema';
import { IMPORT_PREFIX } from '@shared/config/resource-names';
import {
  IMPORT_UPLOAD_DAYS,
  INCOMPLETE_UPLOAD_DAYS,
  NONCURRENT_VERSION_DAYS,
  STORE_LOGICAL_IDS,
} from '../../infra/constructs/mail-store';
import { resourceTemplate, synthSesame } from './synth-sesame';

const { template } = synthSesame();
const dataKeyArn = { 'Fn::GetAtt': [STORE_LOGICAL_IDS.dataKey, 'Arn'] };

describe('the mail table', () => {
  const table = () => resourceTemplate(template, STORE_LOGICAL_IDS.table);

  it('is the only table, under its pinned logical id, and outlives the stack', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    table().hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('has the keys, indexes and TTL attribute of the shared table schema', () => {
    const keySchema = (pk: string, sk: string) => [
      { AttributeName: pk, KeyType: 'HASH' },
      { AttributeName: sk, KeyType: 'RANGE' },
    ];
    table().hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: keySchema(TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey),
      GlobalSecondaryIndexes: Object.values(TABLE_SCHEMA.indexes).map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection:
          index.name === TABLE_SCHEMA.indexes.directory.name
            ? { ProjectionType: 'ALL' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...MESSAGE_SUMMARY_FIELDS] },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    });
  });

  it('keeps only the summary a list shows on the folder and thread indexes', () => {
    const indexes = table().findResources('AWS::DynamoDB::Table');
    const projections = Object.values(indexes).flatMap((resource) =>
      (
        resource.Properties.GlobalSecondaryIndexes as {
          IndexName: string;
          Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
        }[]
      ).map((index) => [index.IndexName, index.Projection]),
    );
    const message = Object.fromEntries(projections);
    for (const name of ['GSI1', 'GSI2']) {
      expect(message[name]).toMatchObject({ ProjectionType: 'INCLUDE' });
      expect(message[name].NonKeyAttributes).toContain('subject');
      expect(message[name].NonKeyAttributes).not.toContain('html');
      expect(message[name].NonKeyAttributes).not.toContain('text');
      expect(message[name].NonKeyAttributes).not.toContain('headers');
    }
  });

  it('is named in the outputs, for the operator queries the README documents (refusals)', () => {
    template.hasOutput('TableName', { Value: { Ref: STORE_LOGICAL_IDS.table } });
  });

  it('is on demand, point-in-time recoverable and encrypted with the customer-managed key', () => {
    table().hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: dataKeyArn },
    });
  });
});

describe('the data key', () => {
  it('rotates and is retained', () => {
    resourceTemplate(template, STORE_LOGICAL_IDS.dataKey).hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });
});

describe.each([
  ['raw-mail', STORE_LOGICAL_IDS.rawMailBucket],
  ['attachments', STORE_LOGICAL_IDS.attachmentsBucket],
])('the %s bucket', (_name, logicalId) => {
  const bucket = () => resourceTemplate(template, logicalId);

  it('is private, versioned, KMS-encrypted with a bucket key and retained', () => {
    bucket().hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: dataKeyArn,
              },
            },
          ],
        },
      }),
    });
  });

  it('logs server access to the access-log bucket', () => {
    bucket().hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: {
        DestinationBucketName: { Ref: STORE_LOGICAL_IDS.accessLogBucket },
        LogFilePrefix: Match.stringLikeRegexp('.+/$'),
      },
    });
  });

  it('denies every request made without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('the access-log bucket', () => {
  it('is private, TLS-only, SSE-S3 (log delivery cannot use KMS) and retained', () => {
    resourceTemplate(template, STORE_LOGICAL_IDS.accessLogBucket).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicPolicy: true }),
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: STORE_LOGICAL_IDS.accessLogBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });

  it('is the only bucket besides the two mail buckets and the share bucket (issue 9)', () => {
    template.resourceCountIs('AWS::S3::Bucket', 4);
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).sort()).toEqual(
      [
        STORE_LOGICAL_IDS.accessLogBucket,
        STORE_LOGICAL_IDS.attachmentsBucket,
        STORE_LOGICAL_IDS.rawMailBucket,
        SHARE_LOGICAL_IDS.bucket,
      ].sort(),
    );
  });
});

describe('the lifecycle of the mail buckets', () => {
  const rules = (logicalId: string) =>
    (template.toJSON().Resources[logicalId].Properties.LifecycleConfiguration?.Rules ??
      []) as Record<string, unknown>[];

  it.each([STORE_LOGICAL_IDS.rawMailBucket, STORE_LOGICAL_IDS.attachmentsBucket])(
    '%s expires noncurrent versions, their delete markers, and abandoned multipart uploads',
    (logicalId) => {
      expect(rules(logicalId)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: INCOMPLETE_UPLOAD_DAYS },
          }),
          expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
        ]),
      );
      expect(NONCURRENT_VERSION_DAYS).toBe(30);
      expect(INCOMPLETE_UPLOAD_DAYS).toBe(1);
    },
  );

  it('expires CSV import uploads, and nothing else, after a week', () => {
    const expiring = (logicalId: string) => rules(logicalId).filter((r) => 'ExpirationInDays' in r);
    expect(expiring(STORE_LOGICAL_IDS.attachmentsBucket)).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        Prefix: IMPORT_PREFIX,
        ExpirationInDays: IMPORT_UPLOAD_DAYS,
      }),
    ]);
    expect(IMPORT_UPLOAD_DAYS).toBe(7);
    expect(expiring(STORE_LOGICAL_IDS.rawMailBucket)).toEqual([]);
  });
});
