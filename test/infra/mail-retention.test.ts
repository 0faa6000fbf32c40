import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MAILBOX_SWEEP_SCHEDULE } from '@shared/config/sweep-schedule';
import { SWEEP_CURSOR_ATTRIBUTES } from '@shared/store/dynamo-sweep-cursor';
import { actionsOf, allowStatementsOfFunction, logicalIdOf, synthSesame } from './synth-sesame';

const { template, stack } = synthSesame();
const sweepId = logicalIdOf(stack.retention.sweepFunction);
const statements = allowStatementsOfFunction(template, sweepId);
/** The keys a statement names exactly (the cursor's grant), not by a prefix. */
const exactKeysOf = (s: (typeof statements)[number]): unknown =>
  (s.Condition?.['ForAllValues:StringEquals'] as Record<string, unknown> | undefined)?.[
    'dynamodb:LeadingKeys'
  ];

describe('the mailbox sweep', () => {
  it('runs every half hour on an EventBridge schedule that targets the sweep function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${MAILBOX_SWEEP_SCHEDULE.everyMinutes} minutes)`,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] } })],
    });
  });

  it('writes only mailbox, tombstone and reference partitions, and only deletes objects', () => {
    const writes = statements.filter(
      (s) =>
        actionsOf([s]).some((a) => /^dynamodb:(Put|Update|Delete)Item$/.test(a)) && !exactKeysOf(s),
    );
    const partitions = writes.map((s) => JSON.stringify(s.Condition?.['ForAllValues:StringLike']));
    for (const found of partitions) expect(found).toMatch(/"(MBX|GONE|STORED)#\*"/);
    const objectActions = actionsOf(statements).filter((a) => a.startsWith('s3:'));
    expect([...new Set(objectActions)]).toEqual(['s3:DeleteObject']);
  });

  it('puts its resume point, exactly the key SWEEP#mailbox and its own attributes, and nothing else', () => {
    const exact = statements.filter((s) => exactKeysOf(s));
    expect(exact.map((s) => actionsOf([s]))).toEqual([['dynamodb:PutItem']]);
    expect(exact[0]?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:LeadingKeys': ['SWEEP#mailbox'],
        'dynamodb:Attributes': SWEEP_CURSOR_ATTRIBUTES,
      },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
  });
});
