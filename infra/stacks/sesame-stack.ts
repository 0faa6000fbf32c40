import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROUTES } from '@shared/http/routes';
import type { SesameConfig } from '../config';
import { InboundMail } from '../constructs/inbound-mail';
import { MailApi } from '../constructs/mail-api';
import { MailStore } from '../constructs/mail-store';

export interface SesameStackProps extends StackProps {
  config: SesameConfig;
}

/** The whole of sesame in one stack: it only composes the capability constructs. */
export class SesameStack extends Stack {
  readonly store: MailStore;
  readonly inbound: InboundMail;
  readonly api: MailApi;

  constructor(scope: Construct, id: string, props: SesameStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.store = new MailStore(this, 'MailStore');
    this.inbound = new InboundMail(this, 'InboundMail', {
      store: this.store,
      hostedDomains: config.hostedDomains,
      tiers: config.tiers,
      maxReceiveCount: config.ingestMaxReceiveCount,
    });
    this.api = new MailApi(this, 'MailApi', {
      store: this.store,
      tiers: config.tiers,
      routes: ROUTES,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.stage.url, 'Base URL of the HTTP API');
    output('UserPoolId', this.api.userPool.userPoolId, 'Cognito user pool (staff identities)');
    output(
      'UserPoolClientId',
      this.api.userPoolClient.userPoolClientId,
      'App client (SRP, no secret)',
    );
    output(
      'ReceiptRuleSetName',
      this.inbound.ruleSet.receiptRuleSetName,
      'Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this>',
    );
    output('RawMailBucketName', this.store.rawMailBucket.bucketName, 'Where SES stores raw mail');
    output(
      'IngestQueueUrl',
      this.inbound.queue.queueUrl,
      'SES notifications for the ingest function',
    );
    output(
      'IngestDeadLetterQueueUrl',
      this.inbound.deadLetterQueue.queueUrl,
      'Parked notifications',
    );
  }
}
