import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp, type SesameApp } from '../../infra/build-app';

const CDK_JSON = fileURLToPath(new URL('../../cdk.json', import.meta.url));

/** The context `cdk synth` would get from cdk.json (feature flags included). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** Skips esbuild: the functions' code is not what these tests are about, and it keeps them fast. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

export interface SynthesizedSesame extends SesameApp {
  template: Template;
  outdir: string;
}

/** Builds and synthesizes the app as `cdk synth` would, with `overrides` on top of cdk.json. */
export function synthSesame(overrides: Record<string, unknown> = {}): SynthesizedSesame {
  const outdir = mkdtempSync(join(tmpdir(), 'sesame-cdk-'));
  const built = buildApp({
    context: { ...cdkJsonContext(), ...SKIP_BUNDLING, ...overrides },
    outdir,
  });
  return { ...built, outdir, template: Template.fromStack(built.stack) };
}

/** The logical id CloudFormation will see for a construct's L1 resource (overrides included). */
export function logicalIdOf(construct: IConstruct): string {
  const cfn = construct.node.defaultChild;
  if (!cfn || !('logicalId' in cfn)) throw new Error(`${construct.node.path} has no L1 resource`);
  return Stack.of(construct).resolve(cfn.logicalId) as string;
}

/** One resource of the template, by logical id, as a Template of its own (for Match assertions). */
export function resourceTemplate(template: Template, logicalId: string): Template {
  const resource = (template.toJSON().Resources as Record<string, unknown>)[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return Template.fromJSON({ Resources: { [logicalId]: resource } });
}

interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Every Allow statement of the inline policies attached to a function's execution role. */
export function allowStatementsOfFunction(
  template: Template,
  functionLogicalId: string,
): PolicyStatementJson[] {
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const role = resources[functionLogicalId]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as { Ref?: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement)
    .filter((s) => s.Effect === 'Allow');
}

export function actionsOf(statements: PolicyStatementJson[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}
