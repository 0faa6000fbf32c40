import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROUTES } from '@shared/http/routes';
import type { SesameConfig } from '../config';
import { InboundMail } from '../constructs/inbound-mail';
import { MailApi } from '../constructs/mail-api';
import { MailRetention } from '../constructs/mail-retention';
import { MailStore } from '../constructs/mail-store';
import { FileShare } from '../constructs/file-share';
import { OutboundMail } from '../constructs/outbound-mail';

export interface SesameStackProps extends StackProps {
  config: SesameConfig;
}

/** The whole of sesame in one stack: it only composes the capability constructs. */
export class SesameStack extends Stack {
  readonly store: MailStore;
  readonly inbound: InboundMail;
  readonly api: MailApi;
  readonly fileShare: FileShare;
  /** Issue 11: the daily sweep of Junk, Deleted Items and recoverable items. */
  readonly retention: MailRetention;
  readonly outbound: OutboundMail;

  constructor(scope: Construct, id: string, props: SesameStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.store = new MailStore(this, 'MailStore');
    this.inbound = new InboundMail(this, 'InboundMail', {
      store: this.store,
      tiers: config.tiers,
    });
    this.api = new MailApi(this, 'MailApi', {
      store: this.store,
      tiers: config.tiers,
      routes: ROUTES,
    });
    // Large-file share (issue 9): browsers upload from the API's own origin (the public request
    // page) and from the origins configured for a web client.
    const sharesFunction = this.api.functions.get('shares');
    if (!sharesFunction) throw new Error('the route table names no shares function');
    const publicFunction = this.api.functions.get('share-public');
    if (!publicFunction) throw new Error('the route table names no share-public function');
    // Sending (issue 10): the send function also shares attachments too large to send.
    const sendFunction = this.api.functions.get('send');
    if (!sendFunction) throw new Error('the route table names no send function');
    this.fileShare = new FileShare(this, 'FileShare', {
      store: this.store,
      tiers: config.tiers,
      sharesFunction,
      publicFunction,
      sendFunction,
      uploadOrigins: [this.api.httpApi.apiEndpoint, ...config.shareUploadOrigins],
    });
    this.retention = new MailRetention(this, 'MailRetention', {
      store: this.store,
      tiers: config.tiers,
    });
    // Sending (issue 10): the configuration set, its events, and the send-events function;
    // [secure] delivery's public page mails codes and hands replies to the inbound topic.
    this.outbound = new OutboundMail(this, 'OutboundMail', {
      store: this.store,
      tiers: config.tiers,
      sendFunction,
      publicFunction,
      inboundTopic: this.inbound.topic,
    });

    // Stack outputs: what an operator needs after a deploy, by output id.
    const outputs: Record<string, { value: string; description: string }> = {
      ApiUrl: { value: this.api.stage.url, description: 'Base URL of the HTTP API' },
      UserPoolId: {
        value: this.api.userPool.userPoolId,
        description: 'Cognito user pool (staff identities)',
      },
      UserPoolClientId: {
        value: this.api.userPoolClient.userPoolClientId,
        description: 'App client (SRP, no secret)',
      },
      ReceiptRuleSetName: {
        value: this.inbound.ruleSet.receiptRuleSetName,
        description: 'Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this>',
      },
      RawMailBucketName: {
        value: this.store.rawMailBucket.bucketName,
        description: 'Where SES stores raw mail',
      },
      TableName: {
        value: this.store.table.tableName,
        description: 'The mail table (operator queries, e.g. refused recipients: see README)',
      },
      IngestQueueUrl: {
        value: this.inbound.queue.queueUrl,
        description: 'SES notifications for the ingest function',
      },
      IngestDeadLetterQueueUrl: {
        value: this.inbound.deadLetterQueue.queueUrl,
        description: 'Parked notifications',
      },
      // Large-file share (issue 9).
      ShareBucketName: {
        value: this.fileShare.bucket.bucketName,
        description: 'Shared files (uploaded in parts, scanned before any link)',
      },
      ShareScanDeadLetterQueueUrl: {
        value: this.fileShare.scanDeadLetterQueue.queueUrl,
        description: 'Share bucket events the scan could not handle',
      },
      IngestDeadLetterQueueArn: {
        value: this.inbound.deadLetterQueue.queueArn,
        description:
          'Redrive parked notifications: aws sqs start-message-move-task --source-arn <this>',
      },
      SesConfigurationSetName: {
        value: this.outbound.configurationSet.configurationSetName,
        description: 'The SES configuration set user mail is sent with',
      },
      SesEventsDeadLetterQueueUrl: {
        value: this.outbound.deadLetterQueue.queueUrl,
        description: 'Parked SES events of sent mail',
      },
    };
    for (const [id, props] of Object.entries(outputs)) new CfnOutput(this, id, props);
  }
}
