import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct, IConstruct } from 'constructs';
import { FUNCTION_LIMITS } from '@shared/config/function-limits';
import { ENV, OBJECT_PREFIX_CONTENTS, type FunctionId } from '@shared/config/resource-names';
import type { TierTable } from '@shared/config/tiers';
import {
  LAMBDA_NODE_OPTIONS,
  LAMBDA_NODE_TARGET,
  MAIN_FIELDS,
  OUTPUT_FORMAT,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from './bundling';
import { partitionCondition, type ItemGrant } from './table-partitions';

/** The checkout's root: functions/, tsconfig.json and package-lock.json live there. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where a function's entry point lives, by its id (functions/<id>/handler.ts, export `handler`). */
export function functionEntry(functionId: FunctionId): string {
  return join(PROJECT_ROOT, 'functions', functionId, 'handler.ts');
}

export type TableAccess = 'RO' | 'RW';
export type BucketEnvName =
  | typeof ENV.rawMailBucket
  | typeof ENV.attachmentsBucket
  // Large-file share (issue 9).
  | typeof ENV.shareBucket;

/** The object actions a function may be granted under a key prefix. */
export type ObjectAction =
  | 's3:GetObject'
  | 's3:PutObject'
  | 's3:DeleteObject'
  // Multipart uploads of the large-file share (issue 9).
  | 's3:AbortMultipartUpload'
  | 's3:ListMultipartUploadParts';
/** Object access to one bucket, by key prefix (shared/config/resource-names). */
export type PrefixGrants = Readonly<Partial<Record<string, readonly ObjectAction[]>>>;

/**
 * The table key's use, as the CDK table grants give it: reading needs Decrypt; DynamoDB uses the
 * write actions on the caller's behalf to write with a customer-managed key.
 */
const TABLE_KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const TABLE_KEY_WRITE = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

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
 * FUNCTION_LIMITS, one minified CommonJS file with source maps (./bundling), an explicit log
 * group with retention, and an explicit role that starts with nothing but the right to write to
 * that log group. Access to data is added with `bindTable`/`bindTableItems`/`bindObjects`, which
 * set the env var the function reads and grant exactly that access in one call.
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
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        [ENV.tiers]: JSON.stringify(props.tiers),
      },
      bundling: {
        format: OUTPUT_FORMAT,
        mainFields: MAIN_FIELDS,
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
   * Sets ENV.tableName and grants item actions on named partitions only (ItemGrant), with the
   * matching use of the table's KMS key. No Scan, which names no key; a Query names its
   * partition, which the grant's condition holds to the named prefixes (GSIs are other
   * resources, not granted here).
   */
  bindTableItems(table: ITable, grants: readonly ItemGrant[]): this {
    this.addEnvironment(ENV.tableName, table.tableName);
    for (const { actions, partitions } of grants) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: actions.map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
          conditions: partitionCondition(partitions),
        }),
      );
    }
    const writes = grants.some(({ actions }) =>
      actions.some((a) => a !== 'GetItem' && a !== 'Query'),
    );
    table.encryptionKey?.grant(this, ...TABLE_KEY_READ, ...(writes ? TABLE_KEY_WRITE : []));
    if (writes) {
      for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
        this.acknowledgeWildcard(
          `Action::${action}`,
          `Table writes on named partitions: ${action} on the table's own KMS key only, which ` +
            "DynamoDB uses on the caller's behalf to write with a customer-managed key.",
        );
      }
    }
    return this;
  }

  /**
   * Sets `envName` to the bucket's name and grants object actions under the given key prefixes
   * only, never the whole bucket. Reading also lists the prefix (a missing object then answers
   * NoSuchKey, not AccessDenied; S3 checks `s3:prefix` against the key), and the bucket key is
   * used as far as the actions need: Decrypt to read, a data key to put.
   */
  bindObjects(bucket: IBucket, envName: BucketEnvName, grants: PrefixGrants): this {
    this.addEnvironment(envName, bucket.bucketName);
    const bucketId = this.logicalIdOf(bucket, CfnBucket);
    // One statement per set of actions, naming every prefix that has exactly that set.
    const byActions = new Map<string, string[]>();
    for (const [prefix, actions = []] of Object.entries(grants)) {
      const actionSet = [...actions].sort().join(',');
      byActions.set(actionSet, [...(byActions.get(actionSet) ?? []), prefix]);
      this.acknowledgeWildcard(
        `Resource::<${bucketId}.Arn>/${prefix}*`,
        `${OBJECT_PREFIX_CONTENTS[prefix] ?? prefix}: keys named at run time; ` +
          `${[...actions].sort().join(', ')} only, under ${prefix} of this one bucket.`,
      );
    }
    for (const [actionSet, prefixes] of byActions) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: actionSet.split(','),
          resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
        }),
      );
    }
    const all = Object.values(grants).flatMap((actions) => actions ?? []);
    const readable = Object.entries(grants)
      .filter(([, actions]) => actions?.includes('s3:GetObject'))
      .map(([prefix]) => `${prefix}*`);
    if (readable.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': readable } },
        }),
      );
    }
    const keyActions = [
      ...(all.includes('s3:GetObject') || all.includes('s3:PutObject') ? ['kms:Decrypt'] : []),
      ...(all.includes('s3:PutObject') ? ['kms:GenerateDataKey'] : []),
    ];
    if (keyActions.length > 0) bucket.encryptionKey?.grant(this, ...keyActions);
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
