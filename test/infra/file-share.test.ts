import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SYSTEM_NOTICE_PREFIX } from '@shared/config/resource-names';
import { SHARE_SCAN_MAX_RECEIVE_COUNT } from '@shared/config/share-scan-queue';
import { NOTICE_STATE_ATTRIBUTES, SHARE_SPACE_ATTRIBUTES } from '../../infra/constructs/file-share';
import {
  actionsOf,
  allowStatementsOfFunction,
  logicalIdOf,
  resourceTemplate,
  synthSesame,
} from './synth-sesame';

const { template, stack } = synthSesame({
  'sesame:shareUploadOrigins': ['https://mail.trust.example'],
});
const share = stack.fileShare;
const bucketId = logicalIdOf(share.bucket);
const attachmentsId = logicalIdOf(stack.store.attachmentsBucket);
const sharesFunction = stack.api.functions.get('shares')!;

const statementsOf = (fn: Parameters<typeof logicalIdOf>[0]) =>
  allowStatementsOfFunction(template, logicalIdOf(fn));
const objectResources = (fn: Parameters<typeof logicalIdOf>[0]) =>
  statementsOf(fn)
    .filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:') && a !== 's3:ListBucket'))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((r) => JSON.stringify(r));

describe('the share bucket', () => {
  it('is KMS-encrypted, TLS only, closed to the public, unversioned, with a stable id', () => {
    expect(bucketId).toBe('ShareBucket');
    const bucket = resourceTemplate(template, bucketId);
    bucket.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            BucketKeyEnabled: true,
          }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: Match.absent(),
    });
    bucket.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets browsers PUT parts from the API’s origin and the configured ones, and read ETags', () => {
    const cors = (
      template.toJSON().Resources[bucketId].Properties.CorsConfiguration.CorsRules as {
        AllowedMethods: string[];
        AllowedOrigins: unknown[];
        ExposedHeaders: string[];
      }[]
    )[0]!;
    expect(cors.AllowedMethods).toContain('PUT');
    expect(cors.ExposedHeaders).toEqual(['ETag']);
    expect(cors.AllowedOrigins).toContain('https://mail.trust.example');
    expect(JSON.stringify(cors.AllowedOrigins)).toContain(logicalIdOf(stack.api.httpApi));
  });

  it('aborts incomplete multipart uploads after a day', () => {
    resourceTemplate(template, bucketId).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ]),
      },
    });
  });

  it('sends object-created events under shares/ to the scan queue, which has a DLQ', () => {
    resourceTemplate(template, bucketId).hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Event: 's3:ObjectCreated:*',
            Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'shares/' }] } },
            Queue: { 'Fn::GetAtt': [logicalIdOf(share.scanQueue), 'Arn'] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    resourceTemplate(template, logicalIdOf(share.scanQueue)).hasResourceProperties(
      'AWS::SQS::Queue',
      {
        KmsMasterKeyId: Match.anyValue(),
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(share.scanDeadLetterQueue), 'Arn'] },
          maxReceiveCount: SHARE_SCAN_MAX_RECEIVE_COUNT,
        },
      },
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(share.scanFunction) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(share.sweepFunction), 'Arn'] } }),
      ],
    });
  });
});

describe('least privilege of the share functions', () => {
  it('grants objects under shares/ of the share bucket only', () => {
    for (const fn of [sharesFunction, share.scanFunction, share.sweepFunction]) {
      const resources = objectResources(fn);
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) {
        // The sweep's report notices (report-notify): their .eml in the attachments bucket.
        if (fn === share.sweepFunction && resource.includes(attachmentsId)) {
          expect(resource).toContain(`/${SYSTEM_NOTICE_PREFIX}*`);
          continue;
        }
        expect(resource).toContain(bucketId);
        expect(resource).toContain('/shares/*');
      }
    }
  });

  it('lets the sweep write report notices into mailboxes, never read or delete mail', () => {
    const leadingOf = (statement: ReturnType<typeof statementsOf>[number]) =>
      JSON.stringify(statement.Condition?.['ForAllValues:StringLike']);
    const dynamo = statementsOf(share.sweepFunction).filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('dynamodb:')),
    );
    // Besides the share space (attribute-limited, checked below).
    const mailWrites = dynamo.filter(
      (s) =>
        /MBX#|STORED#/.test(leadingOf(s)) &&
        s.Condition?.['ForAllValues:StringEquals'] === undefined,
    );
    expect(actionsOf(mailWrites).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
    ]);
    const noticeObjects = statementsOf(share.sweepFunction).filter((s) =>
      JSON.stringify(s.Resource).includes(attachmentsId),
    );
    expect(actionsOf(noticeObjects).sort()).toEqual(['s3:DeleteObject', 's3:PutObject']);
  });

  it('lets the scan only read objects, and the sweep only delete and abort', () => {
    const s3Actions = (fn: Parameters<typeof logicalIdOf>[0]) =>
      actionsOf(statementsOf(fn).filter((s) => JSON.stringify(s.Resource).includes(bucketId)))
        .filter((a) => a.startsWith('s3:'))
        .sort();
    expect(s3Actions(share.scanFunction)).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(s3Actions(share.sweepFunction)).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject']);
    expect(s3Actions(sharesFunction)).toContain('s3:ListMultipartUploadParts');
  });

  it('lets the sweep read share items and GSI3 only, never a mailbox or a message', () => {
    const reads = statementsOf(share.sweepFunction).filter((s) =>
      actionsOf([s]).some((a) => /^dynamodb:(GetItem|BatchGetItem|Query|Scan)$/.test(a)),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const statement of reads) {
      expect(actionsOf([statement])).not.toContain('dynamodb:Scan');
      const resources = JSON.stringify(statement.Resource);
      if (actionsOf([statement]).includes('dynamodb:Query')) {
        // The due markers' index, nothing else: the table itself is not queried.
        expect(actionsOf([statement])).toEqual(['dynamodb:Query']);
        expect(resources).toContain('/index/GSI3');
        expect(resources).not.toContain('/index/*');
        continue;
      }
      const leading = statement.Condition?.['ForAllValues:StringLike'] as
        Record<string, string[]> | undefined;
      const partitions = leading?.['dynamodb:LeadingKeys'];
      // Report notices (report-notify): the notice's reference item, and of a mailbox item only
      // its change-log state and quota (no message content).
      if (JSON.stringify(partitions) === JSON.stringify(['STORED#*'])) continue;
      if (JSON.stringify(partitions) === JSON.stringify(['MBX#*'])) {
        expect(actionsOf([statement])).toEqual(['dynamodb:GetItem']);
        const attributes = (
          statement.Condition?.['ForAllValues:StringEquals'] as Record<string, string[]>
        )['dynamodb:Attributes'];
        expect(attributes).toEqual(NOTICE_STATE_ATTRIBUTES);
        continue;
      }
      expect(partitions).toEqual(['SHARE#*']);
    }
  });

  it('writes share items (SHARE#) and, on mailboxes, shareBytesUsed only', () => {
    for (const fn of [sharesFunction, share.scanFunction, share.sweepFunction]) {
      const writes = statementsOf(fn).filter((s) =>
        actionsOf([s]).some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem)$/.test(a)),
      );
      expect(writes.length).toBeGreaterThan(0);
      for (const statement of writes) {
        const leading = JSON.stringify(statement.Condition?.['ForAllValues:StringLike']);
        if (leading.includes('SHARE#')) continue;
        // Link and request-link items (share-links): the owner's links, under their token hash.
        if (leading === JSON.stringify({ 'dynamodb:LeadingKeys': ['LINK#*', 'REQUEST#*'] }))
          continue;
        // The sweep's report notices (report-notify): checked on their own above.
        if (
          fn === share.sweepFunction &&
          statement.Condition?.['ForAllValues:StringEquals'] === undefined
        )
          continue;
        // lastSeenAt (MailApi's reader grant) or the share space: both attribute-limited.
        expect(leading).toContain('MBX#');
        const attributes = (
          statement.Condition?.['ForAllValues:StringEquals'] as Record<string, string[]>
        )['dynamodb:Attributes'];
        expect([SHARE_SPACE_ATTRIBUTES, ['PK', 'SK', 'lastSeenAt']]).toContainEqual(attributes);
      }
    }
  });
});
