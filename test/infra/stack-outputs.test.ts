import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthSesame } from './synth-sesame';

const { template, stack } = synthSesame();
const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

describe('the stack outputs an operator needs after a deploy', () => {
  it('the dead-letter queue ARN, which start-message-move-task takes to redrive parked mail', () => {
    expect(outputs.IngestDeadLetterQueueArn?.Value).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack.inbound.deadLetterQueue), 'Arn'],
    });
  });

  it('the user pool and app client ids, to create users and sign in', () => {
    expect(outputs.UserPoolId?.Value).toEqual({ Ref: logicalIdOf(stack.api.userPool) });
    expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: logicalIdOf(stack.api.userPoolClient) });
  });

  it('the API URL', () => {
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain(logicalIdOf(stack.api.httpApi));
  });

  it('the receipt rule set to activate and the dead-letter queue URL to look at', () => {
    expect(outputs.ReceiptRuleSetName?.Value).toEqual({
      Ref: logicalIdOf(stack.inbound.ruleSet),
    });
    expect(outputs.IngestDeadLetterQueueUrl?.Value).toEqual({
      Ref: logicalIdOf(stack.inbound.deadLetterQueue),
    });
  });
});
