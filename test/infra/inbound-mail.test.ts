import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RAW_MAIL_PREFIX } from '@shared/config/resource-names';
import { INGEST_MAX_RECEIVE_COUNT } from '@shared/config/ingest-queue';
import { STORE_LOGICAL_IDS } from '../../infra/constructs/mail-store';
import {
  actionsOf,
  allowStatementsOfFunction,
  logicalIdOf,
  resourceTemplate,
  synthSesame,
} from './synth-sesame';

const { template, stack } = synthSesame();
const { inbound } = stack;
const topicId = logicalIdOf(inbound.topic);
const queueId = logicalIdOf(inbound.queue);
const dlqId = logicalIdOf(inbound.deadLetterQueue);
const ingestId = logicalIdOf(inbound.ingestFunction);
const getAttArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('the SES receipt rule', () => {
  it('names no recipients (every verified domain), scans for spam and viruses, requires TLS', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    template.resourceCountIs('AWS::SES::ReceiptRule', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: logicalIdOf(inbound.ruleSet) },
      Rule: Match.objectLike({
        Recipients: Match.absent(),
        Enabled: true,
        ScanEnabled: true,
        TlsPolicy: 'Require',
      }),
    });
  });

  it('stores the raw message under the shared prefix and notifies the topic, with no client-side KMS', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Actions: [
          {
            S3Action: {
              BucketName: { Ref: STORE_LOGICAL_IDS.rawMailBucket },
              ObjectKeyPrefix: RAW_MAIL_PREFIX,
              TopicArn: { Ref: topicId },
              KmsKeyArn: Match.absent(),
            },
          },
        ],
      }),
    });
  });

  it('lets SES (of this account only) write raw mail under the prefix', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: STORE_LOGICAL_IDS.rawMailBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('lets SES of this account use the data key (default SSE-KMS and the encrypted topic)', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: Match.arrayWith(['kms:GenerateDataKey*']),
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('the inbound topic', () => {
  it('is encrypted with the data key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: getAttArn(STORE_LOGICAL_IDS.dataKey),
    });
  });

  it('refuses publishing without TLS and lets only SES receipt rules of this account publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            }),
          }),
        ]),
      },
    });
  });

  it('feeds the ingest queue with the SNS envelope (not raw delivery)', () => {
    const subscriptions = template.findResources('AWS::SNS::Subscription', {
      Properties: { Protocol: 'sqs', Endpoint: getAttArn(queueId), TopicArn: { Ref: topicId } },
    });
    const [subscription] = Object.values(subscriptions);
    expect(Object.keys(subscriptions)).toHaveLength(1);
    expect(subscription?.Properties.RawMessageDelivery).not.toBe(true);
  });
});

describe('the ingest queue', () => {
  it('parks a message in the DLQ after the receives the ingest function counts on', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: getAttArn(dlqId),
        maxReceiveCount: INGEST_MAX_RECEIVE_COUNT,
      },
    });
  });

  it('raises an alarm as soon as one notification is parked', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('hides a message for at least six times the ingest timeout', () => {
    const queue = template.toJSON().Resources[queueId].Properties;
    const ingest = template.toJSON().Resources[ingestId].Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ingest.Timeout);
  });

  it('keeps parked messages 14 days', () => {
    resourceTemplate(template, dlqId).hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedrivePolicy: Match.absent(),
    });
  });

  it.each([
    ['ingest queue', queueId],
    ['dead-letter queue', dlqId],
  ])('the %s is KMS-encrypted and refuses requests without TLS', (_name, id) => {
    resourceTemplate(template, id).hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: getAttArn(logicalIdOf(inbound.queueKey)),
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
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
});

describe('the ingest function', () => {
  it('consumes the queue and reports failures item by item', () => {
    // One mapping for ingest (the share scan has its own, issue 9).
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { FunctionName: { Ref: ingestId } },
      1,
    );
    // Exactly one mapping reads the ingest queue (send-events has its own queue, issue 10).
    const mappings = Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { EventSourceArn: getAttArn(queueId) },
      }),
    );
    expect(mappings).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAttArn(queueId),
      FunctionName: { Ref: ingestId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('writes the table and attachments but only reads (and purges) raw mail', () => {
    const statements = allowStatementsOfFunction(template, ingestId);
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 's3:PutObject']),
    );
    const rawPrefix = {
      'Fn::Join': ['', [getAttArn(STORE_LOGICAL_IDS.rawMailBucket), `/${RAW_MAIL_PREFIX}*`]],
    };
    const onRawMail = statements.filter((s) =>
      JSON.stringify(s.Resource).includes(JSON.stringify(rawPrefix)),
    );
    // Purging mail no recipient kept deletes its raw .eml; nothing else of that bucket.
    expect(actionsOf(onRawMail).sort()).toEqual(['s3:DeleteObject', 's3:GetObject']);
    const rawBucket = JSON.stringify(getAttArn(STORE_LOGICAL_IDS.rawMailBucket));
    const anyRaw = statements.filter((s) => JSON.stringify(s.Resource).includes(rawBucket));
    expect(actionsOf(anyRaw).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket']);
  });

  it('may send only as MAILER-DAEMON@ or postmaster@ of a verified identity, fixed at no list', () => {
    const statements = allowStatementsOfFunction(template, ingestId);
    const sending = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));

    expect(sending).toHaveLength(1);
    expect(actionsOf(sending).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(sending[0]?.Resource)).toContain(':identity/*');
    expect(sending[0]?.Condition).toEqual({
      StringLike: { 'ses:FromAddress': ['MAILER-DAEMON@*', 'postmaster@*'] },
    });
  });
});
