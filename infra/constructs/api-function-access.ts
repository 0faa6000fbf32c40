import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { ENV, IMPORT_PREFIX, type FunctionId } from '@shared/config/resource-names';
import { TABLE_SCHEMA } from '@shared/store/table-schema';
import { sesIdentitiesArn, sesIdentitiesFinding } from './ses-identities';
import type { SesameFunction } from './sesame-function';

/**
 * Least privilege for the API functions, per function id: which table access, which buckets,
 * and the narrow, attribute-conditioned writes of the mail readers. MailApi applies them.
 */
export type ApiFunctionId = Exclude<FunctionId, 'ingest'>;

/** What each API function may do with SES identities (tenant domains, shared/domains). */
export type IdentityAccess = 'none' | 'read' | 'manage';

/** What each API function may touch. */
export const FUNCTION_ACCESS: Record<
  ApiFunctionId,
  {
    table: 'RO' | 'RW';
    mailBuckets: boolean;
    imports: boolean;
    purge: boolean;
    identities: IdentityAccess;
  }
> = {
  mailbox: { table: 'RO', mailBuckets: true, imports: false, purge: true, identities: 'none' },
  account: { table: 'RO', mailBuckets: false, imports: false, purge: false, identities: 'none' },
  admin: { table: 'RW', mailBuckets: false, imports: false, purge: false, identities: 'manage' },
  'tenant-admin': {
    table: 'RW',
    mailBuckets: false,
    imports: true,
    purge: false,
    identities: 'read',
  },
};

/**
 * The SES v2 calls of shared/domains/ses-email-identities: the platform admin adds (Easy DKIM,
 * custom MAIL FROM) and removes tenant domains; the tenant admin reads their status.
 */
export const IDENTITY_ACTIONS: Record<Exclude<IdentityAccess, 'none'>, string[]> = {
  read: ['ses:GetEmailIdentity'],
  manage: [
    'ses:CreateEmailIdentity',
    'ses:PutEmailIdentityMailFromAttributes',
    'ses:GetEmailIdentity',
    'ses:DeleteEmailIdentity',
  ],
};

export function grantIdentities(fn: SesameFunction, access: IdentityAccess): void {
  if (access === 'none') return;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: IDENTITY_ACTIONS[access],
      resources: [sesIdentitiesArn(fn)],
    }),
  );
  if (fn.role) {
    Validations.of(fn.role).acknowledge({
      id: sesIdentitiesFinding(fn),
      reason:
        'Tenant domains are SES identities named at run time (POST /admin/tenants/{id}/domains), ' +
        `so no list can be fixed at deploy; only ${IDENTITY_ACTIONS[access].join(', ')} on ` +
        "this account's identities in this region.",
    });
  }
}

/**
 * What deleting a message for good writes (shared/store/dynamo-quota-store purgeMessage): the
 * message item goes, the mailbox's used bytes and count and the folder counters go down.
 */
export const PURGE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'usedBytes',
  'messageCount',
  'total',
  'unread',
];

/**
 * The mailbox function writes only items of mailboxes (`MBX#<address>` partitions): its own
 * message, folder and mailbox items. The handler decides whose; IAM keeps the rest of the table
 * (tenants, domains, bounce markers, import jobs) out of reach of these grants.
 */
export const MAILBOX_PARTITIONS = {
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MBX#*'] },
};

/** The tombstone a purge leaves, so that a late redelivery cannot bring the message back. */
export const TOMBSTONE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'type',
  TABLE_SCHEMA.ttlAttribute,
];

/**
 * One write action on mailbox partitions, limited to `attributes`; an update may not ask for
 * the old or new item back (`ReturnValues` NONE), so the grant reads nothing either.
 */
function mailboxWrite(
  table: ITable,
  action: 'PutItem' | 'UpdateItem',
  attributes: string[],
): PolicyStatement {
  return new PolicyStatement({
    actions: [`dynamodb:${action}`],
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': attributes },
      ...(action === 'UpdateItem' && {
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
      }),
      ...MAILBOX_PARTITIONS,
    },
  });
}

export function grantPurge(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: MAILBOX_PARTITIONS,
    }),
  );
  fn.addToRolePolicy(mailboxWrite(table, 'PutItem', TOMBSTONE_ATTRIBUTES));
  fn.addToRolePolicy(mailboxWrite(table, 'UpdateItem', PURGE_ATTRIBUTES));
}

/** The one attribute a reader may write: its own sighting (shared/tenancy/last-seen). */
export const LAST_SEEN_ATTRIBUTES = [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey, 'lastSeenAt'];

export function grantLastSeen(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(mailboxWrite(table, 'UpdateItem', LAST_SEEN_ATTRIBUTES));
}

/**
 * Presign PUTs and read back the uploads, under `imports/` only. ListBucket (on that prefix) is
 * what makes S3 answer 404 for an import not uploaded yet: without it a HEAD of a missing key is
 * 403, which is not "not uploaded" but a real refusal (a 500). For that check S3 evaluates
 * `s3:prefix` as the object's key, so the condition keeps the grant to `imports/`.
 */
export function grantImports(fn: SesameFunction, bucket: IBucket): void {
  fn.addEnvironment(ENV.attachmentsBucket, bucket.bucketName);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: [bucket.arnForObjects(`${IMPORT_PREFIX}*`)],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${IMPORT_PREFIX}*`] } },
    }),
  );
  bucket.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
  const bucketId = Stack.of(fn).resolve(
    (bucket.node.defaultChild as CfnBucket).logicalId,
  ) as string;
  if (fn.role) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${IMPORT_PREFIX}*]`,
      reason:
        'Import uploads: one object per job under imports/<tenantId>/<jobId>.csv, named at run ' +
        'time; put and get only, on that prefix of the attachments bucket.',
    });
  }
}
