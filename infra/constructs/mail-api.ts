import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV, type FunctionId } from '@shared/config/resource-names';
import type { TierTable } from '@shared/config/tiers';
import type { Route } from '@shared/http/routes';
import type { Role } from '@shared/identity/caller';
import type { MailStore } from './mail-store';
import {
  apiFunctionAccess,
  grantIdentities,
  grantLastSeen,
  grantOrganise,
  grantPurge,
  grantReferenceRelease,
} from './api-function-access';
import { grantSecurePageWrites } from './secure-page-access';
import { SesameFunction } from './sesame-function';

/** Cognito groups become the `cognito:groups` claim; a user in neither has the role `user`. */
export const ROLE_GROUPS = ['tenant-admin', 'platform-admin'] as const satisfies readonly Role[];
/** The custom attribute (claim `custom:tenantId`) that ties a user to a tenant. */
export const TENANT_ID_ATTRIBUTE = 'tenantId';

/**
 * What the Cognito adapter (shared/sign-in/cognito-identities.ts) calls, on this pool only. No
 * listing: reconcile, which lists the pool, is an operator's tool, not a function's.
 */
export const SIGN_IN_ACCOUNT_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminDeleteUser',
] as const;

/** Stage-wide ceilings that keep a runaway client from exhausting Lambda and DynamoDB capacity. */
const THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

export interface MailApiProps {
  store: MailStore;
  tiers: TierTable;
  /** The route table (shared/http/routes): every route becomes an API route. */
  routes: readonly Route[];
}

/**
 * The client-facing API: a Cognito user pool for identity and an HTTP API whose routes come from
 * the shared route table, one Lambda per function id the routes name. `jwt` routes are guarded by
 * a JWT authorizer on the pool's ID tokens (they carry `email` and `custom:tenantId`); only
 * routes marked `public` have no authorizer.
 */
export class MailApi extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly functions: ReadonlyMap<FunctionId, SesameFunction>;

  constructor(scope: Construct, id: string, props: MailApiProps) {
    super(scope, id);
    this.userPool = this.buildUserPool();
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      // A browser or CLI client cannot keep a secret; SRP keeps the password off the wire.
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted UI yet: without this, CDK enables implicit and code grants to example.com.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(TENANT_ID_ATTRIBUTE),
      // Users may not change what authorisation rests on: their address (the mailbox) or tenant.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    const authorizer = new HttpJwtAuthorizer('CognitoIdToken', this.userPool.userPoolProviderUrl, {
      // ID tokens carry the client id as `aud` (access tokens do not, and lack the claims).
      jwtAudience: [this.userPoolClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'sesame mail API',
      // Built below, so that it has access logs and throttling.
      createDefaultStage: false,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR }),
        ),
        format: accessLogFormat(),
      },
    });

    const functions = new Map<FunctionId, SesameFunction>();
    const integrations = new Map<FunctionId, HttpLambdaIntegration>();
    for (const route of props.routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        const fn = this.buildFunction(route.function, props);
        functions.set(route.function, fn);
        integration = new HttpLambdaIntegration(`${route.function}Integration`, fn);
        integrations.set(route.function, integration);
      }
      const routeAuthorizer: IHttpRouteAuthorizer =
        route.auth === 'jwt' ? authorizer : new HttpNoneAuthorizer();
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: routeAuthorizer,
      });
      if (route.auth === 'public' && httpRoute) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public in the route table (a share link opened in ` +
            'a browser); its handler checks the link token itself.',
        });
      }
    }
    this.functions = functions;
  }

  private buildUserPool(): UserPool {
    const pool = new UserPool(this, 'UserPool', {
      // Tenant administrators register staff; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Mutable: a member of staff keeps their address when moving to another organisation.
      customAttributes: {
        [TENANT_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      // Health and care mail: a second factor always, by authenticator app (no SMS role needed).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential checks and adaptive authentication, enforced.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const groupName of ROLE_GROUPS) {
      pool.addGroup(`${groupName}Group`, { groupName, description: `sesame role ${groupName}` });
    }
    return pool;
  }

  /**
   * Least privilege per function id (FUNCTION_ACCESS; an unlisted id throws): the mail readers
   * read, and may only stamp `lastSeenAt`; the admin functions write the table; objects only
   * under the prefixes listed for the function, with the actions listed there.
   */
  private buildFunction(functionId: FunctionId, props: MailApiProps): SesameFunction {
    const access = apiFunctionAccess(functionId);
    const pascal = functionId.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) =>
      c.toUpperCase(),
    );
    const { store } = props;
    const fn = new SesameFunction(this, `${pascal}Function`, {
      functionId,
      description: `sesame API: ${functionId} routes`,
      tiers: props.tiers,
    });
    if (typeof access.table === 'string') fn.bindTable(store.table, access.table);
    else fn.bindTableItems(store.table, access.table);
    if (access.table === 'RO') grantLastSeen(fn, store.table);
    if (access.purge) {
      grantPurge(fn, store.table);
      grantReferenceRelease(fn, store.table);
    }
    if (access.organise) grantOrganise(fn, store.table);
    if (access.securePage) grantSecurePageWrites(fn, store.table);
    // Every function reads the same runtime config at cold start; a bucket's name grants nothing.
    const buckets = [
      { bucket: store.rawMailBucket, env: ENV.rawMailBucket, grants: access.objects.rawMail },
      {
        bucket: store.attachmentsBucket,
        env: ENV.attachmentsBucket,
        grants: access.objects.attachments,
      },
    ] as const;
    for (const { bucket, env, grants } of buckets) {
      if (grants) fn.bindObjects(bucket, env, grants);
      else fn.addEnvironment(env, bucket.bucketName);
    }
    grantIdentities(fn, access.identities);
    // Sign-in accounts follow the directory (shared/sign-in): on this pool only.
    if (access.signInAccounts) {
      fn.addEnvironment(ENV.userPoolId, this.userPool.userPoolId);
      this.userPool.grant(fn, ...SIGN_IN_ACCOUNT_ACTIONS);
    }
    return fn;
  }
}

/** JSON access log lines: who (by `sub`, not address), what, outcome; no message content. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      requestTime: '$context.requestTimeEpoch',
      sourceIp: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      sub: '$context.authorizer.claims.sub',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
