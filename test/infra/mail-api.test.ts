import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { FunctionId } from '@shared/config/resource-names';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { ROUTES, routeKey, type Route } from '@shared/http/routes';
import { STORED_ITEM_ATTRIBUTES } from '@shared/store/table-schema';
import {
  LAST_SEEN_ATTRIBUTES,
  MAILBOX_PARTITIONS,
  PURGE_ATTRIBUTES,
  TOMBSTONE_ATTRIBUTES,
  STORED_PARTITIONS,
} from '../../infra/constructs/api-function-access';
import {
  MailApi,
  ROLE_GROUPS,
  SIGN_IN_ACCOUNT_ACTIONS,
  TENANT_ID_ATTRIBUTE,
} from '../../infra/constructs/mail-api';
import { ENV } from '@shared/config/resource-names';
import { MailStore } from '../../infra/constructs/mail-store';
import { sesIdentitiesArn } from '../../infra/constructs/ses-identities';
import {
  actionsOf,
  allowStatementsOfFunction,
  cdkJsonContext,
  logicalIdOf,
  SKIP_BUNDLING,
  synthSesame,
} from './synth-sesame';

const { template, stack } = synthSesame();
const { api } = stack;
const userPoolId = logicalIdOf(api.userPool);
const clientId = logicalIdOf(api.userPoolClient);

describe('the user pool', () => {
  it('admits only users an administrator creates, signing in by email with MFA', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        MfaConfiguration: 'ON',
        DeletionProtection: 'ACTIVE',
        UserPoolTier: 'PLUS',
      }),
    });
  });

  it('requires a strong password', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
    const pool = template.toJSON().Resources[userPoolId].Properties;
    expect(pool.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('requires an email and carries a mutable tenant id', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'email', Required: true }),
        Match.objectLike({ Name: TENANT_ID_ATTRIBUTE, AttributeDataType: 'String', Mutable: true }),
      ]),
    });
  });

  it('has a group per elevated role', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', ROLE_GROUPS.length);
    for (const groupName of ['tenant-admin', 'platform-admin']) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: groupName,
        UserPoolId: { Ref: userPoolId },
      });
    }
  });

  it('has a public SRP client that cannot rewrite the claims authorisation rests on', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: userPoolId },
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      AllowedOAuthFlows: Match.absent(),
    });
    const client = template.toJSON().Resources[clientId].Properties;
    expect(client.ReadAttributes).toEqual(
      expect.arrayContaining(['email', `custom:${TENANT_ID_ATTRIBUTE}`]),
    );
    expect(client.WriteAttributes).toBeDefined();
    expect(client.WriteAttributes).not.toContain('email');
    expect(client.WriteAttributes).not.toContain(`custom:${TENANT_ID_ATTRIBUTE}`);
  });
});

describe('the HTTP API', () => {
  it('has a JWT authorizer on the pool issuer with the app client as audience', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: { 'Fn::GetAtt': [userPoolId, 'ProviderURL'] },
      },
    });
  });

  it('has exactly the routes of the route table', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s is present with the authorisation the route table asks for',
    (key, route) => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        AuthorizationType: route.auth === 'jwt' ? 'JWT' : 'NONE',
        AuthorizerId: route.auth === 'jwt' ? Match.anyValue() : Match.absent(),
      });
    },
  );

  it('has one function and one integration per function the routes name', () => {
    const functionIds = new Set(ROUTES.map((route) => route.function));
    expect([...api.functions.keys()].sort()).toEqual([...functionIds].sort());
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', functionIds.size);
  });

  it('logs every request and throttles by default on its $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: {
        ThrottlingRateLimit: Match.anyValue(),
        ThrottlingBurstLimit: Match.anyValue(),
      },
    });
  });
});

const WRITE_ACTION =
  /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$|^s3:(Put|Delete)|^kms:(Encrypt|GenerateDataKey|ReEncrypt)/;

function statementsOf(functionId: Parameters<typeof api.functions.get>[0]) {
  const fn = api.functions.get(functionId);
  if (!fn) throw new Error(`the route table has no ${functionId} routes`);
  return allowStatementsOfFunction(template, logicalIdOf(fn));
}

function writeStatementsOf(functionId: Parameters<typeof statementsOf>[0]) {
  return statementsOf(functionId).filter((s) =>
    actionsOf([s]).some((action) => WRITE_ACTION.test(action)),
  );
}

const onlyPartitions = (prefix: string) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] },
  Null: { 'dynamodb:LeadingKeys': 'false' },
});
const mailboxItemsOnly = onlyPartitions('MBX#');
const storedItemsOnly = onlyPartitions('STORED#');
const tombstonesOnly = onlyPartitions('GONE#');

const lastSeenOnly = {
  Condition: {
    'ForAllValues:StringEquals': { 'dynamodb:Attributes': LAST_SEEN_ATTRIBUTES },
    StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
    ...mailboxItemsOnly,
  },
};

describe.each(['mailbox', 'account'] as const)('the %s function', (functionId) => {
  const statements = statementsOf(functionId);

  it('reads the table', () => {
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt']),
    );
  });

  it('may stamp lastSeenAt on mailbox items, and no other attribute through that grant', () => {
    expect(writeStatementsOf(functionId)).toContainEqual(expect.objectContaining(lastSeenOnly));
    expect(LAST_SEEN_ATTRIBUTES).toEqual(['PK', 'SK', 'lastSeenAt']);
    expect(MAILBOX_PARTITIONS).toEqual(mailboxItemsOnly);
  });
});

describe('the account function', () => {
  it('can write nothing but lastSeenAt', () => {
    const writes = writeStatementsOf('account');
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes)).toEqual(['dynamodb:UpdateItem']);
  });
});

describe('the mailbox function', () => {
  it('may delete messages for good: delete an item, lower counters and the reference, leave a tombstone, delete the objects', () => {
    const writes = writeStatementsOf('mailbox');
    expect(
      actionsOf(writes)
        .filter((a) => WRITE_ACTION.test(a))
        .sort(),
    ).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      // Organising mail (issue 11): folders, their names and change-log entries.
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      // Organising mail: flags, moves, recoverable items, counters and state.
      'dynamodb:UpdateItem',
      's3:DeleteObject',
    ]);
    expect(writes).toContainEqual(
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: expect.objectContaining({
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...STORED_ITEM_ATTRIBUTES] },
          ...storedItemsOnly,
        }),
      }),
    );
    expect(writes).toContainEqual(
      expect.objectContaining({
        Action: 'dynamodb:PutItem',
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': TOMBSTONE_ATTRIBUTES },
          ...tombstonesOnly,
        },
      }),
    );
    expect(writes).toContainEqual(
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: expect.objectContaining({
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': PURGE_ATTRIBUTES },
        }),
      }),
    );
    expect(PURGE_ATTRIBUTES).not.toContain('quotaBytes');
    expect(PURGE_ATTRIBUTES).not.toContain('status');
  });

  it('writes only items of mailbox partitions (MBX#…), tombstones (GONE#…) and reference items (STORED#…): every table write is conditioned', () => {
    const writes = writeStatementsOf('mailbox').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('dynamodb:')),
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const statement of writes) {
      const partitions = JSON.stringify(statement.Condition?.['ForAllValues:StringLike']);
      expect(
        [mailboxItemsOnly, storedItemsOnly, tombstonesOnly].map((c) =>
          JSON.stringify(c['ForAllValues:StringLike']),
        ),
      ).toContain(partitions);
    }
    expect(STORED_PARTITIONS).toEqual(storedItemsOnly);
  });

  it('deletes objects only under the prefixes of stored messages, never imports/ and never a put', () => {
    const deletes = writeStatementsOf('mailbox').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('s3:')),
    );
    // Read and purged on the same prefixes: the one statement per bucket holds both.
    expect([...new Set(actionsOf(deletes))].sort()).toEqual(['s3:DeleteObject', 's3:GetObject']);
    const resources = JSON.stringify(deletes.map((s) => s.Resource));
    for (const prefix of ['/inbound/*', '/attachments/*', '/bodies/*', '/system/*']) {
      expect(resources).toContain(prefix);
    }
    expect(resources).not.toContain('/imports/');
    // Never the whole bucket: a bare "/*" after the bucket ARN.
    expect(resources).not.toContain('},"/*"]');
  });
});

describe('the mailbox function', () => {
  it('reads both buckets', () => {
    expect(actionsOf(statementsOf('mailbox'))).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:ListBucket']),
    );
  });
});

describe('the account function', () => {
  it('touches no bucket', () => {
    expect(actionsOf(statementsOf('account')).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });
});

describe.each(['admin', 'tenant-admin'] as const)('the %s function', (functionId) => {
  const statements = statementsOf(functionId);

  it('reads and writes the table, with the longer timeout an import needs', () => {
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ]),
    );
    const fn = api.functions.get(functionId);
    expect(template.toJSON().Resources[logicalIdOf(fn!)].Properties.Timeout).toBe(29);
  });
});

describe('sign-in accounts', () => {
  const cognitoActions = (functionId: Parameters<typeof statementsOf>[0]) =>
    actionsOf(statementsOf(functionId)).filter((a) => a.startsWith('cognito-idp:'));

  it('tenant-admin may call exactly what the Cognito adapter calls, on the user pool only', () => {
    expect(cognitoActions('tenant-admin').sort()).toEqual([...SIGN_IN_ACCOUNT_ACTIONS].sort());
    const statements = statementsOf('tenant-admin').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('cognito-idp:')),
    );
    for (const statement of statements) {
      expect(statement.Resource).toEqual({
        'Fn::GetAtt': [logicalIdOf(api.userPool), 'Arn'],
      });
    }
    const fn = api.functions.get('tenant-admin');
    expect(
      template.toJSON().Resources[logicalIdOf(fn!)].Properties.Environment.Variables[
        ENV.userPoolId
      ],
    ).toEqual({ Ref: logicalIdOf(api.userPool) });
  });

  it.each(['mailbox', 'account', 'admin'] as const)('%s may not touch accounts', (functionId) => {
    expect(cognitoActions(functionId)).toEqual([]);
  });
});

describe('S3 access of the admin functions', () => {
  it('admin has none', () => {
    expect(actionsOf(statementsOf('admin')).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  const tenantAdminS3 = () =>
    statementsOf('tenant-admin').filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));

  it('tenant-admin may put and get objects under imports/ of the attachments bucket only', () => {
    const objects = tenantAdminS3().filter((s) => !actionsOf([s]).includes('s3:ListBucket'));
    expect(objects).toHaveLength(1);
    expect(actionsOf(objects).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(objects[0]?.Resource)).toContain('/imports/*');
    expect(JSON.stringify(objects[0]?.Resource)).toContain(
      logicalIdOf(stack.store.attachmentsBucket),
    );
  });

  it('tenant-admin may list imports/ only, so a missing upload is 404 (not 403) in AWS', () => {
    const listing = tenantAdminS3().filter((s) => actionsOf([s]).includes('s3:ListBucket'));
    expect(listing).toHaveLength(1);
    expect(actionsOf(listing)).toEqual(['s3:ListBucket']);
    expect(listing[0]?.Condition).toEqual({ StringLike: { 's3:prefix': ['imports/*'] } });
    expect(listing[0]?.Resource).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack.store.attachmentsBucket), 'Arn'],
    });
  });
});

describe('SES identity access (tenant domains)', () => {
  const identityArn = stack.resolve(sesIdentitiesArn(stack));
  const sesStatements = (functionId: FunctionId) =>
    statementsOf(functionId).filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));

  it('admin may create, configure, read and delete identities, and nothing else of SES', () => {
    const statements = sesStatements('admin');
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements).sort()).toEqual([
      'ses:CreateEmailIdentity',
      'ses:DeleteEmailIdentity',
      'ses:GetEmailIdentity',
      'ses:PutEmailIdentityMailFromAttributes',
    ]);
    expect(statements[0]?.Resource).toEqual(identityArn);
  });

  it('tenant-admin may only read identities', () => {
    const statements = sesStatements('tenant-admin');
    expect(actionsOf(statements)).toEqual(['ses:GetEmailIdentity']);
    expect(statements[0]?.Resource).toEqual(identityArn);
  });

  it.each(['mailbox', 'account'] as const)('%s has no SES access', (functionId) => {
    expect(sesStatements(functionId)).toEqual([]);
  });
});

describe('a public route', () => {
  const routes: Route[] = [
    { method: 'GET', path: '/mailboxes/me/messages', function: 'mailbox', auth: 'jwt' },
    { method: 'GET', path: '/shares/{token}', function: 'mailbox', auth: 'public' },
  ];
  const app = new App({ context: { ...cdkJsonContext(), ...SKIP_BUNDLING } });
  const publicStack = new Stack(app, 'PublicRoute', { env: { region: 'eu-west-1' } });
  const publicApi = new MailApi(publicStack, 'Api', {
    store: new MailStore(publicStack, 'Store'),
    tiers: DEFAULT_TIERS,
    routes,
  });
  const publicTemplate = Template.fromStack(publicStack);

  it('has no authorizer, while the jwt route keeps its own', () => {
    publicTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /shares/{token}',
      AuthorizationType: 'NONE',
      AuthorizerId: Match.absent(),
    });
    publicTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /mailboxes/me/messages',
      AuthorizationType: 'JWT',
    });
  });

  it('is acknowledged for cdk-nag APIG4 on that route alone', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).not.toContain('AwsSolutions-APIG4');
    const acknowledging = publicApi.node
      .findAll()
      .filter((construct) =>
        construct.node.metadata.some(
          (entry) =>
            entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
            JSON.stringify(entry.data).includes('AwsSolutions-APIG4'),
        ),
      )
      .map((construct) => construct.node.id);
    expect(acknowledging).toEqual(['GET--shares--{token}']);
  });
});
