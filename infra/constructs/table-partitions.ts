import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * IAM conditions on the partition key of the one table (`dynamodb:LeadingKeys`). IAM cannot see
 * sort keys, so a partition is the finest grain: that is why tombstones live in `GONE#`
 * partitions of their own (shared/store/keys), apart from the mailbox items they guard.
 */

/** The item actions a function may be granted on named partitions. */
export type ItemAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  // A Query names its partition (LeadingKeys holds it to the grant's prefixes); a batch write
  // is checked item by item (issue 11, the search index's compaction).
  | 'Query'
  | 'BatchWriteItem';

/** One grant: these item actions, on items whose partition key starts with one of `partitions`. */
export interface ItemGrant {
  actions: readonly ItemAction[];
  /** Partition key prefixes, e.g. `MBX#` (shared/store/keys). */
  partitions: readonly string[];
}

/**
 * Only items whose partition key starts with one of `prefixes`. `ForAllValues` alone also holds
 * for a request that names no key at all (a Scan); `Null: false` requires one.
 */
export function partitionCondition(prefixes: readonly string[]): Record<string, unknown> {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  };
}

/**
 * One write action on items of the given partitions, limited to `attributes`; an update may
 * not ask for the old or new item back (`ReturnValues` NONE), so the grant reads nothing either.
 */
export function attributeWrite(
  table: ITable,
  action: 'PutItem' | 'UpdateItem',
  attributes: string[],
  partitions: Record<string, unknown>,
): PolicyStatement {
  return new PolicyStatement({
    actions: [`dynamodb:${action}`],
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': attributes },
      ...(action === 'UpdateItem' && {
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
      }),
      ...partitions,
    },
  });
}
