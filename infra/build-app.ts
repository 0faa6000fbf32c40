import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSesameConfig, type SesameConfig } from './config';
import { SesameStack } from './stacks/sesame-stack';

/** The CloudFormation stack name; one sesame per account and region. */
export const STACK_NAME = 'Sesame';

export interface BuildAppOptions {
  /**
   * Context for the App, on top of what the CDK CLI passes in (cdk.json, `-c`). Tests put the
   * cdk.json context here, plus `aws:cdk:bundling-stacks: []` to skip esbuild.
   */
  context?: Record<string, unknown>;
  /** @default the CLI's cdk.out, or a temporary folder outside the CLI */
  outdir?: string;
}

export interface SesameApp {
  app: App;
  stack: SesameStack;
  config: SesameConfig;
}

/**
 * Builds the sesame app: reads the context once, builds the one stack in the configured region
 * (no account: the stack stays environment-agnostic on the account side), and registers cdk-nag's
 * AWS Solutions pack as a validation plugin: any unacknowledged finding fails the synth.
 */
export function buildApp(options: BuildAppOptions = {}): SesameApp {
  const app = new App({ context: options.context, outdir: options.outdir });
  const config = readSesameConfig((key) => app.node.tryGetContext(key));
  const stack = new SesameStack(app, STACK_NAME, {
    env: { region: config.region },
    description: 'sesame: serverless multi-tenant email (SES inbound, DynamoDB, S3, HTTP API)',
    config,
  });
  Validations.of(app).addPlugins(
    // The reasons for acknowledged findings go into the template metadata too, for auditors.
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { app, stack, config };
}
