import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * cdk-nag's finding for a grant on every SES identity of the account, as it names it: a stack
 * bound to a region (the usual case, `sesame:region`) has that region and partition literally.
 */
export function sesIdentitiesFinding(scope: Construct): string {
  const stack = Stack.of(scope);
  const literal = (value: string, pseudo: string) =>
    Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
  const partition = literal(stack.partition, 'Partition');
  const region = literal(stack.region, 'Region');
  const account = literal(stack.account, 'AccountId');
  return `AwsSolutions-IAM5[Resource::arn:${partition}:ses:${region}:${account}:identity/*]`;
}

/**
 * The account's identities, any name: tenant domains are added at run time (shared/domains), so
 * no list of them can be fixed at deploy.
 */
export function sesIdentitiesArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'ses',
    resource: 'identity',
    resourceName: '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
