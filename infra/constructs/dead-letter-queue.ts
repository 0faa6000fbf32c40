import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** How long a parked message waits for an operator (SQS's longest). */
export const DLQ_RETENTION = Duration.days(14);
const DLQ_ALARM_PERIOD = Duration.minutes(5);

export interface DeadLetterQueueProps {
  queueId: string;
  alarmId: string;
  key: IKey;
  /** What the dead-letter queue parks for: named in the cdk-nag acknowledgement. */
  of: string;
  alarmDescription: string;
}

/**
 * The one shape of a dead-letter queue (ingest, share scan, SES events): KMS, TLS only, 14 days,
 * and an alarm as soon as one message is parked.
 */
export function deadLetterQueueWithAlarm(
  scope: Construct,
  props: DeadLetterQueueProps,
): { queue: Queue; alarm: Alarm } {
  const queue = new Queue(scope, props.queueId, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${props.of}; it has none of its own.`,
  });
  const alarm = new Alarm(scope, props.alarmId, {
    alarmDescription: props.alarmDescription,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: DLQ_ALARM_PERIOD,
      statistic: 'Maximum',
    }),
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    evaluationPeriods: 1,
    // An idle queue publishes no data points; that is the good state, not a missing one.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
}
