import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthSesame } from './synth-sesame';

const { app, stack, template, outdir } = synthSesame();

type Violations = ReturnType<AwsSolutionsChecks['validateScope']>['violations'];
const describeViolations = (violations: Violations): string =>
  violations
    .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)
    .join('\n');

/**
 * Every acknowledged finding, by id. A new acknowledgement must be added here on purpose, so a
 * suppression never slips in unreviewed.
 */
const EXPECTED_ACKNOWLEDGEMENTS = [
  'AwsSolutions-S1', // the access-log bucket does not log itself
  // Share links' public routes (issue 9): the link token is the credential, checked by the handler.
  'AwsSolutions-APIG4',
  'AwsSolutions-SQS3', // the DLQ has no DLQ
  'AwsSolutions-IAM5[Resource::<MailTable.Arn>/index/*]',
  'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
  'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
  // Objects by prefix (keys named at run time), never a whole bucket: CSV import uploads
  // (tenant-admin); a received message's raw mail, parts, bodies and notices (ingest, mailbox).
  'AwsSolutions-IAM5[Resource::<AttachmentsBucket.Arn>/imports/*]',
  'AwsSolutions-IAM5[Resource::<RawMailBucket.Arn>/inbound/*]',
  // Sending (issue 10): the send function writes each sent message as it left.
  'AwsSolutions-IAM5[Resource::<RawMailBucket.Arn>/sent/*]',
  'AwsSolutions-IAM5[Resource::<AttachmentsBucket.Arn>/uploads/*]',
  'AwsSolutions-IAM5[Resource::<AttachmentsBucket.Arn>/attachments/*]',
  'AwsSolutions-IAM5[Resource::<AttachmentsBucket.Arn>/bodies/*]',
  'AwsSolutions-IAM5[Resource::<AttachmentsBucket.Arn>/system/*]',
  // Tenant domains are SES identities named at run time: identity management (admin), status
  // (tenant-admin), bounces and notices from MAILER-DAEMON@ and postmaster@ only (ingest).
  'AwsSolutions-IAM5[Resource::arn:aws:ses:eu-west-1:<AWS::AccountId>:identity/*]',
  // Large-file share (issue 9): shared files by prefix (shares, share-scan, share-sweep).
  'AwsSolutions-IAM5[Resource::<ShareBucket.Arn>/shares/*]',
  // [secure] delivery (issue 10): a message's page content (send writes, share-public reads),
  // and the one reply share-public writes as raw mail for ingest.
  'AwsSolutions-IAM5[Resource::<ShareBucket.Arn>/secure/*]',
  'AwsSolutions-IAM5[Resource::<RawMailBucket.Arn>/inbound/secure-reply-*]',
].sort();

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error or warning anywhere in the app', () => {
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(report.violations, describeViolations(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('ran as a validation plugin during synth, and the report it left is empty', () => {
    const validation = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(validation.pluginReports).toEqual([]);
  });

  it('acknowledges exactly the reviewed findings, each with a written reason', () => {
    const acknowledged = new Map<string, string>();
    for (const resource of Object.values(template.toJSON().Resources)) {
      const rules = (resource as { Metadata?: { cdk_nag?: { rules_to_suppress: [] } } }).Metadata
        ?.cdk_nag?.rules_to_suppress as { id: string; reason: string }[] | undefined;
      for (const rule of rules ?? []) acknowledged.set(rule.id, rule.reason);
    }
    expect([...acknowledged.keys()].sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
    for (const [id, reason] of acknowledged) {
      expect(reason.length, `reason for ${id}`).toBeGreaterThan(40);
    }
  });

  it('leaves no construct warning or error annotations', () => {
    const annotations = Annotations.fromStack(stack);
    const errors = annotations.findError('*', Match.anyValue());
    const warnings = annotations.findWarning('*', Match.anyValue());
    expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
    expect(warnings, JSON.stringify(warnings, null, 2)).toEqual([]);
  });

  it('does fail a resource that breaks the rules (the checks are live)', () => {
    const badApp = new App();
    const badStack = new Stack(badApp, 'Bad');
    new Bucket(badStack, 'Careless', { removalPolicy: RemovalPolicy.DESTROY });
    const report = new AwsSolutionsChecks(badApp).validateScope(badApp);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });

  it('lets an acknowledgement silence only the finding it names', () => {
    const ackApp = new App();
    const ackStack = new Stack(ackApp, 'Ack');
    const bucket = new Bucket(ackStack, 'Careless', { removalPolicy: RemovalPolicy.DESTROY });
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'test' });
    const ruleNames = new AwsSolutionsChecks(ackApp)
      .validateScope(ackApp)
      .violations.map((v) => v.ruleName);
    expect(ruleNames).not.toContain('AwsSolutions-S1');
    expect(ruleNames).toContain('AwsSolutions-S10');
  });
});
