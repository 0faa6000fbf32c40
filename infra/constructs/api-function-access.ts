import { Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BODY_PREFIX,
  IMPORT_PREFIX,
  PART_PREFIX,
  RAW_MAIL_PREFIX,
  SECURE_REPLY_KEY_PREFIX,
  SENT_MAIL_PREFIX,
  SYSTEM_NOTICE_PREFIX,
  UPLOAD_PREFIX,
  type FunctionId,
} from '@shared/config/resource-names';
import { STORED_ITEM_ATTRIBUTES, TABLE_SCHEMA } from '@shared/store/table-schema';
import { sesIdentitiesArn, sesIdentitiesFinding } from './ses-identities';
import type { ObjectAction, PrefixGrants, SesameFunction } from './sesame-function';
import { SECURE_PAGE_ITEMS } from './secure-page-access';
import { attributeWrite, partitionCondition, type ItemGrant } from './table-partitions';

/**
 * Least privilege for the API functions, per function id: which table access, which objects
 * under which prefixes, and the narrow, attribute-conditioned writes of the mail readers.
 * MailApi applies them; a function id with no entry fails the synth (apiFunctionAccess).
 */
export type ApiFunctionId = Exclude<
  FunctionId,
  'ingest' | 'share-scan' | 'share-sweep' | 'mailbox-sweep' | 'send-events'
>;

/** What each API function may do with SES identities (tenant domains, shared/domains). */
export type IdentityAccess = 'none' | 'read' | 'manage';

/**
 * Deleting the last reference to a stored message deletes its objects: the raw .eml (raw-mail
 * bucket, under the SES prefix) and, in the attachments bucket, its parts, its moved-out body
 * and a notice's .eml. Deletes on exactly those prefixes: never `imports/`. The mailbox function
 * (DELETE for good) and ingest (mail nobody kept) both need it.
 */
export const PURGED_PREFIXES = {
  rawMail: [RAW_MAIL_PREFIX],
  attachments: [PART_PREFIX, BODY_PREFIX, SYSTEM_NOTICE_PREFIX],
} as const;

/** `actions` on each of `prefixes`. */
export function onPrefixes(
  prefixes: readonly string[],
  actions: readonly ObjectAction[],
): PrefixGrants {
  return Object.fromEntries(prefixes.map((prefix) => [prefix, actions]));
}

/** Object access of a function, per bucket; a bucket not named is not touched. */
export interface ObjectAccess {
  rawMail?: PrefixGrants;
  attachments?: PrefixGrants;
}

/** What each API function may touch. */
export interface ApiFunctionAccess {
  /** The whole table read-only or read-write, or only item actions on named partitions. */
  table: 'RO' | 'RW' | readonly ItemGrant[];
  objects: ObjectAccess;
  /** Deleting messages for good: the item, the counters, the reference, a tombstone. */
  purge: boolean;
  /** SES identities of tenant domains (IDENTITY_ACTIONS). */
  identities: IdentityAccess;
  /** Changing users' Cognito accounts with the directory (SIGN_IN_ACCOUNT_ACTIONS, mail-api). */
  signInAccounts: boolean;
  /** Folders, flags, moves, recoverable items and the change log (issue 11: grantOrganise). */
  organise?: boolean;
  /** A [secure] message's page: its record's code and session, audit events (issue 10). */
  securePage?: boolean;
}

const READ_AND_PURGE: readonly ObjectAction[] = ['s3:GetObject', 's3:DeleteObject'];

export const FUNCTION_ACCESS: Record<ApiFunctionId, ApiFunctionAccess> = {
  // Reads a message's objects (bodies, presigned downloads, raw .eml) and purges them.
  mailbox: {
    table: 'RO',
    objects: {
      // sent/: a Sent copy's raw message (issue 10), downloaded and purged like a received one.
      rawMail: onPrefixes([...PURGED_PREFIXES.rawMail, SENT_MAIL_PREFIX], READ_AND_PURGE),
      attachments: onPrefixes(PURGED_PREFIXES.attachments, READ_AND_PURGE),
    },
    purge: true,
    identities: 'none',
    signInAccounts: false,
    organise: true,
  },
  account: { table: 'RO', objects: {}, purge: false, identities: 'none', signInAccounts: false },
  // Adds and removes tenant domains (their SES identities).
  admin: { table: 'RW', objects: {}, purge: false, identities: 'manage', signInAccounts: false },
  // Presigns CSV upload PUTs and reads the uploads back (shared/blob/s3-import-files).
  'tenant-admin': {
    table: 'RW',
    objects: { attachments: { [IMPORT_PREFIX]: ['s3:PutObject', 's3:GetObject'] } },
    purge: false,
    // Reads its domains' verification status.
    identities: 'read',
    // Only tenant-admin creates, changes and removes users.
    signInAccounts: true,
  },
  // Large-file share (issue 9): reads here; its share items, the share space on the mailbox
  // item and the share bucket's objects are granted by FileShare (infra/constructs/file-share).
  shares: { table: 'RO', objects: {}, purge: false, identities: 'none', signInAccounts: false },
  // Share links, public side (issue 9, share-links): reached by anyone holding a link, so it
  // gets item actions on named partitions only, no Query or Scan, and no mailbox read at all.
  'share-public': {
    table: [
      // Links, shares and attempt counters are read by key; the notice's reference item too.
      {
        actions: ['GetItem', 'BatchGetItem'],
        partitions: ['LINK#', 'REQUEST#', 'SHARE#', 'ATTEMPTS#', 'STORED#'],
      },
      // The grant (one transaction: the share's condition, the link's counter), the first
      // notice's marker, the attempt counters, the notice's reference count, and a request
      // upload's completion (the share goes `uploading` → `scanning`).
      {
        actions: ['UpdateItem'],
        partitions: ['LINK#', 'REQUEST#', 'ATTEMPTS#', 'STORED#', 'SHARE#'],
      },
      { actions: ['ConditionCheckItem'], partitions: ['SHARE#', 'GONE#'] },
      // Audit events and abuse reports live in the share's partition.
      { actions: ['PutItem'], partitions: ['SHARE#'] },
      // The owner's download notice: written into their mailbox; of the mailbox item it reads
      // only the state and quota (file-share's grantNoticeState), never a message.
      { actions: ['PutItem', 'UpdateItem'], partitions: ['MBX#'] },
      // [secure] delivery (issue 10): a recipient's record under its token hash (read, then its
      // one-time code, opens and the one reply), and the message's audit events.
      ...SECURE_PAGE_ITEMS,
    ],
    // The notice's .eml (and its purge when the mailbox is gone). The share bucket's GetObject
    // (presigned downloads, a secure message's page) is granted by the file-share construct.
    objects: {
      attachments: onPrefixes([SYSTEM_NOTICE_PREFIX], ['s3:PutObject', 's3:DeleteObject']),
      // [secure] delivery (issue 10): the one reply, written as raw mail for ingest; put only,
      // never read back or deleted, and nowhere else under inbound/ (SES's own mail).
      rawMail: onPrefixes([SECURE_REPLY_KEY_PREFIX], ['s3:PutObject']),
    },
    purge: false,
    identities: 'none',
    signInAccounts: false,
    securePage: true,
  },
  // Sending (issue 10): writes each sent message as it left (sent/), reads the parts it
  // forwards, and runs the ingest pipeline for hosted recipients (their parts and bodies, and
  // the purge of a message nobody kept). Table RW: mail items, counters, rate windows, and
  // [secure] delivery's SECURE# records and SECUREMSG# audit/index items (put, get, query,
  // delete), which RW already covers; the share bucket's secure/ objects are in file-share.
  send: {
    table: 'RW',
    objects: {
      rawMail: onPrefixes([SENT_MAIL_PREFIX], ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']),
      attachments: {
        ...onPrefixes(PURGED_PREFIXES.attachments, [
          's3:PutObject',
          's3:GetObject',
          's3:DeleteObject',
        ]),
        // Presigns the PUT of an upload, and reads it back when it is attached.
        [UPLOAD_PREFIX]: ['s3:PutObject', 's3:GetObject'],
      },
    },
    purge: false,
    identities: 'none',
    signInAccounts: false,
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
 * The access of an API function, by the id the route table names. An id with no entry throws:
 * a new function starts with no grants until someone writes down what it needs, rather than
 * running with another function's.
 */
export function apiFunctionAccess(functionId: string): ApiFunctionAccess {
  const access = (FUNCTION_ACCESS as Partial<Record<string, ApiFunctionAccess>>)[functionId];
  if (!access) {
    throw new Error(
      `no access entry for function "${functionId}" in FUNCTION_ACCESS ` +
        '(infra/constructs/api-function-access.ts): list what it may touch there',
    );
  }
  return access;
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
  // Recoverable items leave these (issue 11); a system folder's item is made on first use.
  'recoverableBytes',
  'recoverableCount',
  'type',
  'folder',
];

/**
 * What organising mail writes on mailbox partitions (issue 11, shared/store/message-changes,
 * dynamo-folders, change-log): a message's folder, flags, verdict release and recoverable state
 * (and its folder and thread index keys), folder items and their sibling-name items, the
 * mailbox's totals and state, and change-log entries. Never a body, an address or a quota.
 */
export const ORGANISE_ATTRIBUTES = [
  ...PURGE_ATTRIBUTES,
  'flagged',
  'quarantined',
  'release',
  'deletedFrom',
  'deletedAt',
  'recoverable',
  'version',
  TABLE_SCHEMA.indexes.byFolder.partitionKey,
  TABLE_SCHEMA.indexes.byFolder.sortKey,
  TABLE_SCHEMA.indexes.byThread.partitionKey,
  TABLE_SCHEMA.indexes.byThread.sortKey,
  'name',
  'parentId',
  'depth',
  'children',
  'deleting',
  'createdAt',
  'folderCount',
  'state',
  'at',
  'messages',
  'folders',
  TABLE_SCHEMA.ttlAttribute,
];

/** Puts (folders, their names, change-log entries) and updates of ORGANISE_ATTRIBUTES only. */
export function grantOrganise(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(mailboxWrite(table, 'PutItem', ORGANISE_ATTRIBUTES));
  fn.addToRolePolicy(mailboxWrite(table, 'UpdateItem', ORGANISE_ATTRIBUTES));
}

/** The reference items of stored SES messages (`STORED#<sesMessageId>`), and nothing else. */
export const STORED_PARTITIONS = partitionCondition(['STORED#']);

/**
 * The mailbox function writes only items of mailboxes (`MBX#<address>` partitions): its own
 * message, folder and mailbox items. The handler decides whose; IAM keeps the rest of the table
 * (tenants, domains, bounce markers, import jobs) out of reach of these grants.
 */
export const MAILBOX_PARTITIONS = partitionCondition(['MBX#']);

/** Tombstones of deleted messages (`GONE#<address>`), apart from the mailbox items they guard. */
export const TOMBSTONE_PARTITIONS = partitionCondition(['GONE#']);

/** The tombstone a purge leaves, so that a late redelivery cannot bring the message back. */
export const TOMBSTONE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'type',
  TABLE_SCHEMA.ttlAttribute,
];

/** An attribute-limited write on mailbox partitions unless others are named (attributeWrite). */
function mailboxWrite(
  table: ITable,
  action: 'PutItem' | 'UpdateItem',
  attributes: string[],
  partitions: Record<string, unknown> = MAILBOX_PARTITIONS,
): PolicyStatement {
  return attributeWrite(table, action, attributes, partitions);
}

export function grantPurge(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: MAILBOX_PARTITIONS,
    }),
  );
  fn.addToRolePolicy(mailboxWrite(table, 'PutItem', TOMBSTONE_ATTRIBUTES, TOMBSTONE_PARTITIONS));
  fn.addToRolePolicy(mailboxWrite(table, 'UpdateItem', PURGE_ATTRIBUTES));
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
