import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { ReceiptRuleSet, TlsPolicy, type ReceiptRule } from 'aws-cdk-lib/aws-ses';
import { S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueWithAlarm } from './dead-letter-queue';
import { FUNCTION_LIMITS } from '@shared/config/function-limits';
import { INGEST_MAX_RECEIVE_COUNT } from '@shared/config/ingest-queue';
import { ENV, RAW_MAIL_PREFIX, SYSTEM_SENDERS } from '@shared/config/resource-names';
import type { TierTable } from '@shared/config/tiers';
import { onPrefixes, PURGED_PREFIXES } from './api-function-access';
import type { MailStore } from './mail-store';
import { sesIdentitiesArn, sesIdentitiesFinding } from './ses-identities';
import { SesameFunction } from './sesame-function';
import type { ItemGrant } from './table-partitions';

/** Lambda's guidance for SQS sources: visibility timeout at least six times the function's. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS's longest retention: a parked message waits two weeks for someone to look at it. */
const INGEST_BATCH_SIZE = 10;
/** How often the dead-letter queue's depth is looked at. */

/**
 * What the ingest function's stores read and write (functions/ingest/handler.ts), by partition:
 * the hostile-mail parser cannot reach tenants' settings, import jobs or another table area.
 */
export const INGEST_ITEMS: readonly ItemGrant[] = [
  // Who is hosted (findTenantIdByDomain), the tenant's policy and tier, the recipient's
  // mailbox, a stored message's purge state.
  { actions: ['GetItem'], partitions: ['DOMAIN#', 'TENANT#', 'MBX#', 'STORED#'] },
  // A reply to mail sent through SES: which Message-ID SES's stands for (issue 10, threads).
  { actions: ['GetItem'], partitions: ['SESOUT#'] },
  // [secure] delivery (issue 10): whether the public page claimed the reply it hands over.
  { actions: ['GetItem'], partitions: ['SECURE#'] },
  // indexMessage: the message, the mailbox and folder counters (and quota notice levels); one
  // put-once bounce marker per recipient; a refusal record.
  { actions: ['PutItem'], partitions: ['MBX#', 'BOUNCE#', 'REFUSALS#'] },
  { actions: ['UpdateItem'], partitions: ['MBX#', 'STORED#'] },
  // indexMessage refuses a message deleted for good before (its tombstone).
  { actions: ['ConditionCheckItem'], partitions: ['GONE#'] },
  // A bounce that could not be sent releases its marker, so a redelivery tries again.
  { actions: ['DeleteItem'], partitions: ['BOUNCE#'] },
  // Search (issue 11): the index's compaction reads a mailbox's term sets and writes its runs,
  // in the mailbox's own partition (shared/store/dynamo-search-index).
  { actions: ['Query', 'BatchWriteItem'], partitions: ['MBX#'] },
];

/**
 * Reads raw mail (get only), writes a message's parts, moved-out bodies and notices (put, no
 * read back), and purges mail that no recipient kept. Nothing under `imports/`.
 */
export const INGEST_OBJECTS = {
  rawMail: onPrefixes(PURGED_PREFIXES.rawMail, ['s3:GetObject', 's3:DeleteObject']),
  attachments: onPrefixes(PURGED_PREFIXES.attachments, ['s3:PutObject', 's3:DeleteObject']),
};

export interface InboundMailProps {
  store: MailStore;
  tiers: TierTable;
}

/**
 * Receiving mail: an SES receipt rule stores each message in the raw-mail bucket and notifies an
 * SNS topic; the topic feeds the ingest queue (with a DLQ), and the ingest function indexes the
 * message for its recipients. The rule set still has to be made active once per account and
 * region (`aws ses set-active-receipt-rule-set`): SES allows one active set, which a stack must
 * not take over from whatever else the account receives.
 */
export class InboundMail extends Construct {
  readonly ruleSet: ReceiptRuleSet;
  readonly rule: ReceiptRule;
  readonly topic: Topic;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /**
   * Any parked notification. The ingest function's last delivery indexes whatever it cannot
   * process (shared/inbound/last-resort), so a parked one means the table or a bucket could not
   * be written: an operator looks, fixes, and redrives.
   */
  readonly deadLetterAlarm: Alarm;
  /** Encrypts the ingest queue and its DLQ. */
  readonly queueKey: Key;
  readonly ingestFunction: SesameFunction;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const { store } = props;
    const account = Stack.of(this).account;
    const ses = new ServicePrincipal('ses.amazonaws.com');

    // SES writes the raw message under the bucket's default SSE-KMS and publishes to an encrypted
    // topic, both with the data key. The SES action's own `kmsKey` is deliberately not used: it
    // means client-side encryption, which the ingest function could not read with the SDK.
    store.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSesToEncryptInboundMail',
        principals: [ses],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet');

    this.topic = new Topic(this, 'InboundTopic', {
      displayName: 'sesame inbound mail',
      masterKey: store.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSesReceiptRulesToPublish',
        principals: [ses],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          // Any rule of this rule set; naming the rule itself would make the policy and the rule
          // depend on each other.
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'ses',
              resource: 'receipt-rule-set',
              resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/*`,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    // The queues cannot share the data key: SNS may use a queue's key only for this topic
    // (aws:SourceArn), so that key's policy names the topic, which is itself encrypted with the
    // data key; one key for both would be a circular dependency.
    this.queueKey = new Key(this, 'QueueKey', {
      description: 'sesame: encrypts the inbound mail notification queues',
      enableKeyRotation: true,
    });
    const deadLetter = deadLetterQueueWithAlarm(this, {
      queueId: 'IngestDeadLetterQueue',
      alarmId: 'IngestDeadLetterAlarm',
      key: this.queueKey,
      of: 'the ingest queue',
      alarmDescription:
        'sesame: an inbound mail notification was parked (infrastructure failure); see the README, "Parked mail"',
    });
    this.deadLetterQueue = deadLetter.queue;
    this.deadLetterAlarm = deadLetter.alarm;

    this.ingestFunction = new SesameFunction(this, 'IngestFunction', {
      functionId: 'ingest',
      description: 'Indexes received mail (SES notification via SNS and SQS) for its recipients',
      tiers: props.tiers,
    })
      .bindTableItems(store.table, INGEST_ITEMS)
      .bindObjects(store.rawMailBucket, ENV.rawMailBucket, INGEST_OBJECTS.rawMail)
      .bindObjects(store.attachmentsBucket, ENV.attachmentsBucket, INGEST_OBJECTS.attachments);
    // Bounces (5.1.1 no such mailbox, 5.2.2 mailbox full) go out from MAILER-DAEMON@<tenant
    // domain>, quota notices from postmaster@<tenant domain>. Tenant domains come and go at run
    // time, so the grant names the senders, not the domains; SES itself refuses any identity of
    // the account that is not verified.
    this.ingestFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'SendBouncesAndNoticesFromVerifiedDomains',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [sesIdentitiesArn(this)],
        conditions: {
          StringLike: {
            'ses:FromAddress': Object.values(SYSTEM_SENDERS).map((local) => `${local}@*`),
          },
        },
      }),
    );
    if (this.ingestFunction.role) {
      Validations.of(this.ingestFunction.role).acknowledge({
        id: sesIdentitiesFinding(this.ingestFunction),
        reason:
          'Tenant domains are SES identities added at run time through the API, so no list can ' +
          'be fixed at deploy; the ses:FromAddress condition keeps sending to MAILER-DAEMON@ and ' +
          'postmaster@, and SES sends only from verified identities.',
      });
    }

    this.queue = new Queue(this, 'IngestQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.queueKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        FUNCTION_LIMITS.ingest.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      ),
      // The same count the ingest function reads to know its last delivery.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
    });
    // Not raw: the handler reads the SNS envelope, as infra/local hands it over.
    this.topic.addSubscription(new SqsSubscription(this.queue, { rawMessageDelivery: false }));
    this.ingestFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: INGEST_BATCH_SIZE,
        // One bad message is retried (and eventually parked) alone, not with its whole batch.
        reportBatchItemFailures: true,
      }),
    );

    // No recipients: SES then "matches all recipients on all verified domains", so a tenant's
    // domain receives mail as soon as it verifies, with no redeploy. Who is hosted is decided by
    // the table (ingest looks every recipient up; a stray one is logged and left alone).
    this.rule = this.ruleSet.addRule('HostedDomains', {
      enabled: true,
      scanEnabled: true,
      tlsPolicy: TlsPolicy.REQUIRE,
      actions: [
        new S3Action({
          bucket: store.rawMailBucket,
          objectKeyPrefix: RAW_MAIL_PREFIX,
          topic: this.topic,
        }),
      ],
    });
    // The rule goes live only once SES may publish to the topic, as the S3 action already makes
    // it wait for the bucket policy.
    const topicPolicy = this.topic.node.tryFindChild('Policy');
    if (topicPolicy) this.rule.node.addDependency(topicPolicy);
  }
}
