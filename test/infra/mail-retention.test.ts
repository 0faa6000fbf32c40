import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MAILBOX_SWEEP_SCHEDULE } from '@shared/config/sweep-schedule';
import { actionsOf, allowStatementsOfFunction, logicalIdOf, synthSesame } from './synth-sesame';

const { template, stack } = synthSesame();
const sweepId = logicalIdOf(stack.retention.sweepFunction);
const statements = allowStatementsOfFunction(template, sweepId);

describe('the mailbox sweep', () => {
  it('runs once a day on an EventBridge schedule that targets the sweep function', () => {
    const { hourUtc, minuteUtc } = MAILBOX_SWEEP_SCHEDULE;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `cron(${minuteUtc} ${hourUtc} * * ? *)`,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] } })],
    });
  });

  it('writes only mailbox, tombstone and reference partitions, and only deletes objects', () => {
    const writes = statements.filter((s) =>
      actionsOf([s]).some((a) => /^dynamodb:(Put|Update|Delete)Item$/.test(a)),
    );
    const partitions = writes.map((s) => JSON.stringify(s.Condition?.['ForAllValues:StringLike']));
    for (const found of partitions) expect(found).toMatch(/"(MBX|GONE|STORED)#\*"/);
    const objectActions = actionsOf(statements).filter((a) => a.startsWith('s3:'));
    expect([...new Set(objectActions)]).toEqual(['s3:DeleteObject']);
  });
});
