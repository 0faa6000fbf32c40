import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import {
  BODY_PREFIX,
  ENV,
  IMPORT_PREFIX,
  PART_PREFIX,
  RAW_MAIL_PREFIX,
  SYSTEM_NOTICE_PREFIX,
  type FunctionId,
} from '@shared/config/resource-names';
import { STORED_ITEM_ATTRIBUTES, TABLE_SCHEMA } from '@shared/store/table-schema';
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
 * message item goes, the mailbox's used bytes, count and change counter and the folder counters
 * move.
 */
export const PURGE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'usedBytes',
  'messageCount',
  'changes',
  'total',
  'unread',
];

/** The reference items of stored SES messages (`STORED#<sesMessageId>`), and nothing else. */
export const STORED_PARTITIONS = {
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORED#*'] },
};

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

/**
 * Deleting the last reference to a stored message deletes its objects: the raw .eml (raw-mail
 * bucket, under the SES prefix) and, in the attachments bucket, its parts, its moved-out body
 * and a notice's .eml. Deletes only, on exactly those prefixes: never `imports/`, never a put.
 * The mailbox function (DELETE for good) and ingest (mail nobody kept) both need it.
 */
export const PURGED_PREFIXES = {
  rawMail: [RAW_MAIL_PREFIX],
  attachments: [PART_PREFIX, BODY_PREFIX, SYSTEM_NOTICE_PREFIX],
} as const;

export function grantObjectPurge(
  fn: SesameFunction,
  rawMailBucket: IBucket,
  attachmentsBucket: IBucket,
): void {
  const targets = [
    { bucket: rawMailBucket, prefixes: PURGED_PREFIXES.rawMail },
    { bucket: attachmentsBucket, prefixes: PURGED_PREFIXES.attachments },
  ];
  for (const { bucket, prefixes } of targets) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    const bucketId = Stack.of(fn).resolve(
      (bucket.node.defaultChild as CfnBucket).logicalId,
    ) as string;
    for (const prefix of prefixes) {
      if (fn.role) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
          reason:
            'Purging a stored message: its objects are named by its SES message id at run time ' +
            `(${prefix}<sesMessageId>...); delete only, on that prefix.`,
        });
      }
    }
  }
}

/**
 * The reference count of a stored message, lowered by the same transaction that deletes a
 * message item (shared/store/dynamo-stored-messages releaseItem); only its own attributes.
 */
export function grantReferenceRelease(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...STORED_ITEM_ATTRIBUTES] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
        ...STORED_PARTITIONS,
      },
    }),
  );
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
