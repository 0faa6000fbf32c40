import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { ENV } from '@shared/config/resource-names';
import { MAILBOX_SWEEP_SCHEDULE } from '@shared/config/sweep-schedule';
import type { TierTable } from '@shared/config/tiers';
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
 * Retention (issue 11): once a day an EventBridge schedule runs the mailbox sweep, which empties
 * Junk and Deleted Items past each tenant's retention into recoverable items and purges
 * recoverable items past the recovery window, bytes included. It reads the table (tenants,
 * members, folder indexes) and writes as the mailbox function does: organise, purge, release a
 * reference; and deletes only the objects of stored messages.
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
    this.schedule = new Rule(this, 'DailySweep', {
      description: 'Runs the sesame mailbox sweep (retention and recovery window) once a day',
      schedule: Schedule.cron({
        hour: String(MAILBOX_SWEEP_SCHEDULE.hourUtc),
        minute: String(MAILBOX_SWEEP_SCHEDULE.minuteUtc),
      }),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 2 })],
    });
  }
}
