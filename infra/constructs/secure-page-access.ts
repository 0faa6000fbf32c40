import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { TABLE_SCHEMA } from '@shared/store/table-schema';
import type { SesameFunction } from './sesame-function';
import { attributeWrite, partitionCondition, type ItemGrant } from './table-partitions';

/**
 * [secure] delivery (issue 10), shared/store/keys: `SECURE#<tokenHash>` is one recipient's
 * record, `SECUREMSG#<secureId>` a message's audit events and per-recipient index. The send
 * function (table RW) writes both; the public page reads and updates a record by its key (no
 * Query: it cannot list a message's recipients) and appends audit events.
 */
export const SECURE_PAGE_ITEMS: readonly ItemGrant[] = [
  { actions: ['GetItem'], partitions: ['SECURE#'] },
];

/**
 * What the public page writes of a recipient's record: its code, its session, when it was
 * opened and replied. Never the owner, the recipient or a withdrawal: those decide where ingest
 * delivers a reply (shared/inbound/secure-reply-gate), so not even a compromised page may set them.
 */
export const SECURE_PAGE_UPDATE_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'codeHash',
  'codeExpiresAt',
  'sessionHash',
  'sessionExpiresAt',
  'openedAt',
  'repliedAt',
];

/** An audit event as the page appends it (shared/send/secure-model SecureEvent); no entry. */
export const SECURE_EVENT_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'type',
  'kind',
  'recipient',
  'at',
  'clientAddress',
  'userAgent',
  'attachment',
  TABLE_SCHEMA.ttlAttribute,
];

/** The public page's writes on secure-message items, each limited to its attributes. */
export function grantSecurePageWrites(fn: SesameFunction, table: ITable): void {
  fn.addToRolePolicy(
    attributeWrite(
      table,
      'UpdateItem',
      SECURE_PAGE_UPDATE_ATTRIBUTES,
      partitionCondition(['SECURE#']),
    ),
  );
  fn.addToRolePolicy(
    attributeWrite(table, 'PutItem', SECURE_EVENT_ATTRIBUTES, partitionCondition(['SECUREMSG#'])),
  );
}
