import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '@shared/config/resource-names';
import { MAILBOX_SWEEP_SCHEDULE } from '@shared/config/sweep-schedule';
import type { TierTable } from '@shared/config/tiers';
import { SWEEP_CURSOR_ATTRIBUTES } from '@shared/store/dynamo-sweep-cursor';
import { keys } from '@shared/store/keys';
import {
  grantOrganise,
  grantPurge,
  grantReferenceRelease,
  onPrefixes,
  PURGED_PREFIXES,
} from './api-function-access';
import type { MailStore } from './mail-store';
import { SesameFunction } from './sesame-function';

export interface MailRetentionProps {
  store: MailStore;
  tiers: TierTable;
}

/**
 * Retention (issue 11): every half hour an EventBridge schedule runs the mailbox sweep, which
 * empties Junk and Deleted Items past each tenant's retention into recoverable items and purges
 * recoverable items past the recovery window, bytes included. A run does a bounded stretch and
 * saves where it stopped in its cursor item (`SWEEP#mailbox`/`CURSOR`), the one item outside
 * mailboxes it may write. It reads the table (tenants, members, folder indexes) and writes as
 * the mailbox function does: organise, purge, release a reference; and deletes only the objects
 * of stored messages.
 */
export class MailRetention extends Construct {
  readonly sweepFunction: SesameFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: MailRetentionProps) {
    super(scope, id);
    const { store } = props;
    this.sweepFunction = new SesameFunction(this, 'SweepFunction', {
      functionId: 'mailbox-sweep',
      description:
        'Empties Junk and Deleted Items after retention; purges expired recoverable items',
      tiers: props.tiers,
    })
      .bindTable(store.table, 'RO')
      .bindObjects(
        store.rawMailBucket,
        ENV.rawMailBucket,
        onPrefixes(PURGED_PREFIXES.rawMail, ['s3:DeleteObject']),
      )
      .bindObjects(
        store.attachmentsBucket,
        ENV.attachmentsBucket,
        onPrefixes(PURGED_PREFIXES.attachments, ['s3:DeleteObject']),
      );
    grantOrganise(this.sweepFunction, store.table);
    grantPurge(this.sweepFunction, store.table);
    grantReferenceRelease(this.sweepFunction, store.table);
    // Its resume point, and only that key (Null=false: a request must name a key).
    this.sweepFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [store.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': [keys.sweepCursor(MAILBOX_SWEEP_SCHEDULE.cursor).PK],
            'dynamodb:Attributes': SWEEP_CURSOR_ATTRIBUTES,
          },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
    this.schedule = new Rule(this, 'SweepSchedule', {
      description: 'Runs the next stretch of the sesame mailbox sweep (retention, recovery window)',
      schedule: Schedule.rate(Duration.minutes(MAILBOX_SWEEP_SCHEDULE.everyMinutes)),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 2 })],
    });
  }
}
