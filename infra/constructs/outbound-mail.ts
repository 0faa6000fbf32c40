import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailSendingEvent,
  EventDestination,
} from 'aws-cdk-lib/aws-ses';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueWithAlarm } from './dead-letter-queue';
import { FUNCTION_LIMITS } from '@shared/config/function-limits';
import { ENV, SYSTEM_NOTICE_PREFIX, SYSTEM_SENDERS } from '@shared/config/resource-names';
import type { TierTable } from '@shared/config/tiers';
import { onPrefixes } from './api-function-access';
import type { MailStore } from './mail-store';
import { sesIdentitiesArn, sesIdentitiesFinding } from './ses-identities';
import { SesameFunction } from './sesame-function';
import type { ItemGrant } from './table-partitions';

/** Receives of an SES event before it is parked, as the local pump does (ses-events-pump). */
export const SES_EVENTS_MAX_RECEIVE_COUNT = 5;
const VISIBILITY_TIMEOUT_FACTOR = 6;
const EVENTS_BATCH_SIZE = 10;

/** What SES reports about user mail: everything send-events records (shared/send/ses-events). */
export const RECORDED_SES_EVENTS = [
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.DELIVERY_DELAY,
];

/** What the send-events function reads and writes, by partition (functions/send-events). */
export const SEND_EVENTS_ITEMS: readonly ItemGrant[] = [
  // Which Sent copy an SES id is; the sender's mailbox; a notice's stored-message state.
  { actions: ['GetItem'], partitions: ['SESOUT#', 'MBX#', 'STORED#'] },
  // The report into the Inbox, its once-only marker, the suppression of the address.
  { actions: ['PutItem'], partitions: ['MBX#', 'BOUNCE#', 'SUPPRESS#'] },
  // Delivery statuses on the Sent copy; the notice's counters and reference.
  { actions: ['UpdateItem'], partitions: ['MBX#', 'STORED#'] },
  { actions: ['ConditionCheckItem'], partitions: ['GONE#'] },
];

export interface OutboundMailProps {
  store: MailStore;
  tiers: TierTable;
  /** The send API function (MailApi): it gets the configuration set and the send grant. */
  sendFunction: SesameFunction;
  /**
   * [secure] delivery (issue 10): the public page function (MailApi), which mails one-time codes
   * and hands the one reply to ingest. Its table and object grants are in FUNCTION_ACCESS and
   * FileShare's SHARE_OBJECTS; its SES and SNS grants here.
   */
  publicFunction: SesameFunction;
  /** The topic SES notifies of received mail (InboundMail): it feeds the ingest queue. */
  inboundTopic: ITopic;
}

/**
 * Sending mail: the SES configuration set user mail goes out with, its event destination (an
 * SNS topic), the events queue with a DLQ and an alarm, and the send-events function that
 * records each event on the Sent copy. The send function may send through SES only with this
 * configuration set, from identities of the account (SES sends only from verified ones), and
 * never as the system senders; From is the caller's own address (shared/send). [secure]
 * delivery's public page may send from postmaster@ only, and publish replies to the inbound topic.
 */
export class OutboundMail extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly topic: Topic;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;
  readonly eventsFunction: SesameFunction;

  constructor(scope: Construct, id: string, props: OutboundMailProps) {
    super(scope, id);
    const { store } = props;

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    // SES publishes with the data key: store.key's policy already lets SES use it (InboundMail).
    this.topic = new Topic(this, 'SesEventsTopic', {
      displayName: 'sesame SES events of sent mail',
      masterKey: store.key,
      enforceSSL: true,
    });
    new ConfigurationSetEventDestination(this, 'SesEvents', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(this.topic),
      events: RECORDED_SES_EVENTS,
    });

    const queueKey = new Key(this, 'QueueKey', {
      description: 'sesame: encrypts the SES events queues',
      enableKeyRotation: true,
    });
    const deadLetter = deadLetterQueueWithAlarm(this, {
      queueId: 'EventsDeadLetterQueue',
      alarmId: 'EventsDeadLetterAlarm',
      key: queueKey,
      of: 'the SES events queue',
      alarmDescription: 'sesame: an SES event about sent mail could not be recorded',
    });
    this.deadLetterQueue = deadLetter.queue;
    this.deadLetterAlarm = deadLetter.alarm;
    this.queue = new Queue(this, 'EventsQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: queueKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        FUNCTION_LIMITS['send-events'].timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      ),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: SES_EVENTS_MAX_RECEIVE_COUNT,
      },
    });
    this.topic.addSubscription(new SqsSubscription(this.queue, { rawMessageDelivery: false }));

    this.eventsFunction = new SesameFunction(this, 'SendEventsFunction', {
      functionId: 'send-events',
      description: 'Records SES events of sent mail on the Sent copy; reports bounces',
      tiers: props.tiers,
    })
      .bindTableItems(store.table, SEND_EVENTS_ITEMS)
      // Every function reads the same runtime config; the name grants nothing.
      .addEnvironment(ENV.rawMailBucket, store.rawMailBucket.bucketName)
      .bindObjects(
        store.attachmentsBucket,
        ENV.attachmentsBucket,
        onPrefixes([SYSTEM_NOTICE_PREFIX], ['s3:PutObject', 's3:DeleteObject']),
      );
    this.eventsFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: EVENTS_BATCH_SIZE,
        reportBatchItemFailures: true,
      }),
    );

    // Users send as themselves; the system senders are ingest's alone.
    this.grantSending(props.sendFunction, {
      sid: 'SendUserMailFromVerifiedIdentitiesWithTheConfigurationSet',
      from: {
        StringNotLike: {
          'ses:FromAddress': Object.values(SYSTEM_SENDERS).map((local) => `${local}@*`),
        },
      },
      reason: 'the function sets From to the signed-in caller (shared/send).',
    });

    this.grantSecurePage(props.publicFunction, props.inboundTopic);
  }

  /**
   * [secure] delivery (issue 10), the public page: it mails a one-time code from
   * postmaster@<tenant domain> and nothing else (users' addresses are the send function's), with
   * the configuration set; and it publishes the one reply, already written as raw mail under
   * inbound/secure-reply-, to the inbound topic as an SES receipt notification, so ingest indexes
   * it into the sender's Inbox like any received message.
   */
  private grantSecurePage(fn: SesameFunction, inboundTopic: ITopic): void {
    this.grantSending(fn, {
      sid: 'SendSecureCodesFromPostmasterWithTheConfigurationSet',
      from: { StringLike: { 'ses:FromAddress': `${SYSTEM_SENDERS.notices}@*` } },
      reason:
        'the ses:FromAddress condition keeps the public page to postmaster@ (its one-time codes).',
    });
    fn.addEnvironment(ENV.inboundTopicArn, inboundTopic.topicArn);
    // sns:Publish on this topic only, and the use of its KMS key (the data key) to publish.
    inboundTopic.grantPublish(fn);
  }

  /**
   * SES sending with the configuration set (its events reach send-events), from the account's
   * identities, under a condition on From. Tenant domains are SES identities added at run time,
   * so the identities cannot be listed at deploy: the finding is acknowledged with why.
   */
  private grantSending(
    fn: SesameFunction,
    grant: { sid: string; from: Record<string, Record<string, string | string[]>>; reason: string },
  ): void {
    fn.addEnvironment(ENV.sesConfigurationSet, this.configurationSet.configurationSetName);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: grant.sid,
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [sesIdentitiesArn(this), this.configurationSetArn()],
        conditions: grant.from,
      }),
    );
    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        id: sesIdentitiesFinding(fn),
        reason:
          'Tenant domains are SES identities added at run time, so no list can be fixed at ' +
          'deploy; SES sends only from verified identities, the configuration set is named, and ' +
          grant.reason,
      });
    }
  }

  private configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }
}
