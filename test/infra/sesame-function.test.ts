import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_LIMITS } from '@shared/config/function-limits';
import { ENV, FUNCTION_IDS } from '@shared/config/resource-names';
import { resolveTiers } from '@shared/config/tiers';
import { CONTEXT_KEYS } from '../../infra/config';
import { MailStore } from '../../infra/constructs/mail-store';
import { functionEntry, SesameFunction } from '../../infra/constructs/sesame-function';
import {
  actionsOf,
  allowStatementsOfFunction,
  cdkJsonContext,
  logicalIdOf,
  SKIP_BUNDLING,
  synthSesame,
} from './synth-sesame';

const synthesized = synthSesame();
const { template, config } = synthesized;

describe('every sesame function', () => {
  it('runs Node.js 24 on arm64, with source maps', () => {
    template.resourceCountIs('AWS::Lambda::Function', FUNCTION_IDS.length);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }),
      },
    });
  });

  it('gets the timeout and memory of FUNCTION_LIMITS, the ones the local runtime enforces', () => {
    const deployed = synthesized.stack.node
      .findAll()
      .filter((construct): construct is SesameFunction => construct instanceof SesameFunction);
    expect(deployed.map((fn) => fn.functionId).sort()).toEqual([...FUNCTION_IDS].sort());
    for (const fn of deployed) {
      const properties = template.toJSON().Resources[logicalIdOf(fn)].Properties;
      expect({
        id: fn.functionId,
        timeout: properties.Timeout,
        memory: properties.MemorySize,
      }).toEqual({
        id: fn.functionId,
        timeout: FUNCTION_LIMITS[fn.functionId].timeoutSeconds,
        memory: FUNCTION_LIMITS[fn.functionId].memoryMb,
      });
    }
  });

  it('is told where the table and both buckets are, and the tier table', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.tableName]: Match.anyValue(),
          [ENV.rawMailBucket]: Match.anyValue(),
          [ENV.attachmentsBucket]: Match.anyValue(),
          [ENV.tiers]: JSON.stringify(config.tiers),
        }),
      },
    });
  });

  it('gets the tier override of the context', () => {
    const override = { premium: { maxLinkDays: 45 } };
    const tiers = resolveTiers(override);
    synthSesame({ [CONTEXT_KEYS.tiers]: override }).template.allResourcesProperties(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ [ENV.tiers]: JSON.stringify(tiers) }) } },
    );
  });

  it('logs to its own log group with a retention', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('has a role with no managed policies', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('finds its entry point at functions/<id>/handler.ts', () => {
    expect(functionEntry('ingest')).toMatch(/\/functions\/ingest\/handler\.ts$/);
  });
});

describe('bindObjects', () => {
  const app = new App({ context: { ...cdkJsonContext(), ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'BindObjects', { env: { region: 'eu-west-1' } });
  const store = new MailStore(stack, 'Store');
  const writer = new SesameFunction(stack, 'Writer', {
    functionId: 'ingest',
    tiers: resolveTiers(undefined),
  }).bindObjects(store.attachmentsBucket, ENV.attachmentsBucket, {
    'bodies/': ['s3:PutObject'],
    'system/': ['s3:PutObject'],
  });
  const statements = allowStatementsOfFunction(Template.fromStack(stack), logicalIdOf(writer));

  it('grants put only, on the prefixes named, in one statement, and neither read, list nor delete', () => {
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 'kms:GenerateDataKey']));
    expect(actions.filter((a) => /^s3:(Get|List|Delete)/.test(a))).toEqual([]);
    const puts = statements.filter((s) => actionsOf([s]).includes('s3:PutObject'));
    expect(puts).toHaveLength(1);
    const bucketArn = { 'Fn::GetAtt': [logicalIdOf(store.attachmentsBucket), 'Arn'] };
    expect(puts[0]?.Resource).toEqual([
      { 'Fn::Join': ['', [bucketArn, '/bodies/*']] },
      { 'Fn::Join': ['', [bucketArn, '/system/*']] },
    ]);
  });

  it('sets the env var it is given to the bucket name', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.attachmentsBucket]: { Ref: logicalIdOf(store.attachmentsBucket) },
        }),
      },
    });
  });
});
