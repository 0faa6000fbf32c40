import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROUTES } from '@shared/http/routes';
import type { SesameConfig } from '../config';
import { InboundMail } from '../constructs/inbound-mail';
import { MailApi } from '../constructs/mail-api';
import { MailStore } from '../constructs/mail-store';
import { OutboundMail } from '../constructs/outbound-mail';

export interface SesameStackProps extends StackProps {
  config: SesameConfig;
}

/** The whole of sesame in one stack: it only composes the capability constructs. */
export class SesameStack extends Stack {
  readonly store: MailStore;
  readonly inbound: InboundMail;
  readonly api: MailApi;
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
    // Sending (issue 10): the configuration set, its events, and the send-events function.
    const sendFunction = this.api.functions.get('send');
    if (!sendFunction) throw new Error('the route table names no send function');
    this.outbound = new OutboundMail(this, 'OutboundMail', {
      store: this.store,
      tiers: config.tiers,
      sendFunction,
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
