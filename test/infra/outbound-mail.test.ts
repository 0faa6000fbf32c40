import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV } from '@shared/config/resource-names';
import { SES_EVENTS_MAX_RECEIVE_COUNT } from '../../infra/constructs/outbound-mail';
import { SES_EVENTS_MAX_RECEIVE_COUNT as LOCAL_MAX } from '../../infra/local/ses-events-pump';
import { actionsOf, allowStatementsOfFunction, logicalIdOf, synthSesame } from './synth-sesame';

const { template, stack } = synthSesame();
const { outbound } = stack;
const sendId = logicalIdOf(stack.api.functions.get('send')!);
const eventsId = logicalIdOf(outbound.eventsFunction);
const getAttArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('sending mail (issue 10)', () => {
  it('publishes delivery, bounce, complaint, reject and delay events of the configuration set to SNS', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalIdOf(outbound.configurationSet) },
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint', 'reject']),
        SnsDestination: { TopicARN: { Ref: logicalIdOf(outbound.topic) } },
      }),
    });
  });

  it("feeds the events queue (with a DLQ, the local pump's receive count) to send-events", () => {
    expect(SES_EVENTS_MAX_RECEIVE_COUNT).toBe(LOCAL_MAX);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: getAttArn(logicalIdOf(outbound.deadLetterQueue)),
        maxReceiveCount: SES_EVENTS_MAX_RECEIVE_COUNT,
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAttArn(logicalIdOf(outbound.queue)),
      FunctionName: { Ref: eventsId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets the send function send only with the configuration set, never as a system sender', () => {
    const statements = allowStatementsOfFunction(template, sendId);
    const ses = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(actionsOf(ses).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(ses[0]?.Condition).toEqual({
      StringNotLike: { 'ses:FromAddress': ['MAILER-DAEMON@*', 'postmaster@*'] },
    });
    expect(JSON.stringify(ses[0]?.Resource)).toContain('configuration-set');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.sesConfigurationSet]: { Ref: logicalIdOf(outbound.configurationSet) },
        }),
      },
    });
  });

  it('gives send-events no SES and no raw mail access', () => {
    const actions = actionsOf(allowStatementsOfFunction(template, eventsId));
    expect(actions.some((a) => a.startsWith('ses:'))).toBe(false);
    expect(actions).not.toContain('s3:GetObject');
  });
});
