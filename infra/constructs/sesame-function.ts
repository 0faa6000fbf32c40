import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct, IConstruct } from 'constructs';
import { FUNCTION_LIMITS } from '@shared/config/function-limits';
import { ENV, type FunctionId } from '@shared/config/resource-names';
import type { TierTable } from '@shared/config/tiers';
import {
  ESM_REQUIRE_BANNER,
  LAMBDA_NODE_TARGET,
  MAIN_FIELDS,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from './bundling';

/** The checkout's root: functions/, tsconfig.json and package-lock.json live there. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where a function's entry point lives, by its id (functions/<id>/handler.ts, export `handler`). */
export function functionEntry(functionId: FunctionId): string {
  return join(PROJECT_ROOT, 'functions', functionId, 'handler.ts');
}

export type TableAccess = 'RO' | 'RW';
export type BucketAccess = 'RO' | 'RW' | 'W';
export type BucketEnvName = typeof ENV.rawMailBucket | typeof ENV.attachmentsBucket;

/**
 * Object-level S3 actions per access mode. Written out rather than `bucket.grantRead()` and
 * friends because those also grant `s3:GetBucket*`/`s3:List*`/`s3:*ObjectRetention` etc., which
 * no handler needs. ListBucket (bucket level) is kept for readers so a missing object answers
 * NoSuchKey rather than AccessDenied.
 */
const S3_OBJECT_ACTIONS: Record<BucketAccess, string[]> = {
  RO: ['s3:GetObject'],
  RW: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
  W: ['s3:PutObject', 's3:AbortMultipartUpload'],
};
const S3_BUCKET_ACTIONS: Record<BucketAccess, string[]> = {
  RO: ['s3:ListBucket'],
  RW: ['s3:ListBucket'],
  W: [],
};
/** SSE-KMS: reading needs Decrypt; writing needs a data key, and multipart uploads Decrypt too. */
const KMS_ACTIONS: Record<BucketAccess, string[]> = {
  RO: ['kms:Decrypt'],
  RW: ['kms:Decrypt', 'kms:GenerateDataKey'],
  W: ['kms:Decrypt', 'kms:GenerateDataKey'],
};

export interface SesameFunctionProps {
  /** Selects the entry point functions/<functionId>/handler.ts. */
  functionId: FunctionId;
  /** Handed to the function as JSON (ENV.tiers), so limits are configuration, not code. */
  tiers: TierTable;
  description?: string;
  /** @default three months */
  logRetention?: RetentionDays;
}

/**
 * The one way sesame builds a Lambda function: Node.js 24 on arm64, timeout and memory from
 * FUNCTION_LIMITS, minified ESM with source maps, an explicit log group with retention, and an
 * explicit role that starts with nothing but the right to write to that log group. Access to
 * data is added with `bindTable`/`bindBucket`, which set the env var the function reads and
 * grant exactly that access in one call.
 */
export class SesameFunction extends NodejsFunction {
  readonly functionId: FunctionId;
  private readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: SesameFunctionProps) {
    // Built before super() so the function can be handed both; no AWSLambdaBasicExecutionRole.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the sesame ${props.functionId} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: functionEntry(props.functionId),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      // The same numbers the local runtime enforces on the function's worker.
      timeout: Duration.seconds(FUNCTION_LIMITS[props.functionId].timeoutSeconds),
      memorySize: FUNCTION_LIMITS[props.functionId].memoryMb,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.tiers]: JSON.stringify(props.tiers),
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        target: LAMBDA_NODE_TARGET,
        minify: true,
        sourceMap: true,
        // Source text would double the bundle; the map's line numbers are what stack traces need.
        sourcesContent: false,
        // The pinned SDK versions (package-lock) run in AWS as they do locally, not the runtime's.
        bundleAwsSDK: true,
        externalModules: UNREACHED_CREDENTIAL_PROVIDERS,
        // esbuild resolves the `@shared/*` alias through the project's tsconfig paths.
        tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
    this.functionId = props.functionId;
    this.executionRole = role;
  }

  /**
   * Sets ENV.tableName and grants item reads (RO) or reads and writes (RW), including the use of
   * the table's KMS key. The CDK table grants are used as they are: their actions are all
   * item-level and scoped to this table and its indexes.
   */
  bindTable(table: ITable, access: TableAccess): this {
    this.addEnvironment(ENV.tableName, table.tableName);
    if (access === 'RO') table.grantReadData(this);
    else table.grantReadWriteData(this);

    this.acknowledgeWildcard(
      `Resource::<${this.logicalIdOf(table, CfnTable)}.Arn>/index/*`,
      `Table ${access}: /index/* stands for this table's own GSIs (folder, thread and directory ` +
        'views), which the handlers query; the table is the only one.',
    );
    if (access === 'RW') {
      for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
        this.acknowledgeWildcard(
          `Action::${action}`,
          `Table RW: ${action} as the CDK table grant gives it, on the table's own KMS key only; ` +
            "DynamoDB uses these on the caller's behalf to write with a customer-managed key.",
        );
      }
    }
    return this;
  }

  /**
   * Sets `envName` to the bucket's name and grants object access for the mode: RO (get),
   * RW (get, put, delete) or W (put only), plus the matching use of the bucket's KMS key.
   */
  bindBucket(bucket: IBucket, envName: BucketEnvName, access: BucketAccess): this {
    this.addEnvironment(envName, bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: S3_OBJECT_ACTIONS[access],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    const bucketActions = S3_BUCKET_ACTIONS[access];
    if (bucketActions.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: bucketActions, resources: [bucket.bucketArn] }),
      );
    }
    bucket.encryptionKey?.grant(this, ...KMS_ACTIONS[access]);

    this.acknowledgeWildcard(
      `Resource::<${this.logicalIdOf(bucket, CfnBucket)}.Arn>/*`,
      `Bucket ${access}: object keys are not known in advance (one object per message or ` +
        'attachment); the actions are object-level and limited to this one bucket.',
    );
    return this;
  }

  /** cdk-nag names a resource in a finding by its logical id; only this app's own are bound. */
  private logicalIdOf(resource: IConstruct, type: new (...args: never[]) => CfnResource): string {
    const cfn = resource.node.defaultChild;
    if (!(cfn instanceof type)) {
      throw new Error(`${resource.node.path} is not a ${type.name} defined in this app`);
    }
    // Not Stack.getLogicalId: that is the generated id and ignores overrideLogicalId.
    return Stack.of(this).resolve(cfn.logicalId) as string;
  }

  /**
   * cdk-nag AwsSolutions-IAM5, acknowledged for one named finding on this function's role (its
   * policy is a child of the role), so any other wildcard still fails the check.
   */
  private acknowledgeWildcard(finding: string, reason: string): void {
    Validations.of(this.executionRole).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
