/**
 * The one DynamoDB table: its keys, indexes and TTL attribute. CDK (infra/constructs/mail-store)
 * and the local runtime (infra/local) both build the table from this description.
 *
 * Items (see ../shared/DESIGN.md): tenant `TENANT#<id>`/`PROFILE`, domain `DOMAIN#<d>`/`DOMAIN`,
 * mailbox `MBX#<address>`/`PROFILE`, folder `MBX#<address>`/`FOLDER#<id>`,
 * message `MBX#<address>`/`MSG#<id>`, tombstone of a deleted message `GONE#<address>`/`MSG#<id>`
 * (removed by TTL), bounce marker `BOUNCE#<ses id>`/`RCPT#<recipient>` (TTL), refusal of a
 * recipient `REFUSALS#<YYYY-MM-DD>`/`<received at>#<ses id>#<recipient>` (TTL; see keys.ts), reference count of a received message's objects
 * `STORED#<sesMessageId>`/`STORED` (removed by TTL once purged),
 * transfer offer `TENANT#<id>`/`OFFER#<offerId>` (one copy on each of its two tenants, listed
 * on GSI3 under `TENANT#<id>#TRANSFERS`, removed by TTL after expiry); the search index of a
 * mailbox in its partition: `MBX#<address>`/`SRCH#STATE`, term sets `SRCH#T#<indexedAt>#<id>`,
 * run shards `SRCH#P#<level>.<slot>#<n>` and pages `SRCH#M#<level>.<slot>#<n>`
 * (shared/store/dynamo-search-index; no index keys); the mailbox sweep's resume point
 * `SWEEP#mailbox`/`CURSOR` (shared/store/dynamo-sweep-cursor; no index keys).
 *
 * Large-file share (issue 9; shared/share, shared/store/dynamo-share-store), all in the share's
 * own partition: the share `SHARE#<id>`/`SHARE` (on GSI3 under `MBX#<owner>#SHARES`, sorted
 * `<createdAt>#<id>`; TTL a week after its expiry, as a backstop to the sweep), its due marker
 * `SHARE#<id>`/`DUE` (on GSI3 under `SHARES#DUE#<YYYY-MM-DD>`, sorted `<dueAt>#<id>`: the upload
 * deadline while uploading, then the expiry; the sweep's index), its tenant listing entry
 * `SHARE#<id>`/`TENANT` (on GSI3 under `TENANT#<tenantId>#SHARES`, sorted `<createdAt>#<id>`),
 * its audit trail `SHARE#<id>`/`EVENT#<time>#<n>` (TTL 90 days past the share's expiry), its
 * abuse reports `SHARE#<id>`/`REPORT#<id>` (on GSI3 under `TENANT#<tenantId>#REPORTS`) and each
 * report's notice marker `SHARE#<id>`/`NOTIFY#REPORT#<id>` until the sweep has told the tenant
 * admins (on GSI3 under `REPORTS#UNNOTIFIED`; shared/share/report-notices).
 * The share space used is `shareBytesUsed` on the owner's mailbox item.
 */
import type { MessageSummary } from '../mailbox/model';

/**
 * What an index holds besides its keys: `ALL` attributes, or only the `INCLUDE`d ones. DynamoDB
 * ends a Query at 1 MB read from the index, so an index that lists messages holds the summary
 * a list shows, never the bodies and headers of whole items.
 */
export type IndexProjection = { type: 'ALL' } | { type: 'INCLUDE'; attributes: readonly string[] };

export interface IndexSchema {
  name: string;
  partitionKey: string;
  sortKey: string;
  projection: IndexProjection;
}

/** The fields of a message item a folder or thread list shows (MessageSummary). */
export const MESSAGE_SUMMARY_FIELDS = [
  'id',
  'folder',
  'receivedAt',
  'from',
  'to',
  'cc',
  'toTotal',
  'ccTotal',
  'subject',
  'snippet',
  'size',
  'unread',
  'flagged',
  'threadId',
  'hasAttachments',
  'verdict',
] as const satisfies readonly (keyof MessageSummary)[];

const SUMMARY_ONLY: IndexProjection = { type: 'INCLUDE', attributes: MESSAGE_SUMMARY_FIELDS };

export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Folder view: `MBX#<address>#FOLDER#<folder>`, sorted by `<receivedAt>#<id>`. */
    byFolder: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: SUMMARY_ONLY },
    /** Thread view: `MBX#<address>#THREAD#<threadId>`, sorted by `<receivedAt>#<id>`. */
    byThread: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: SUMMARY_ONLY },
    /**
     * Directory: `DIR#<scope>#<prefix>`, sorted by normalised name. The same index also lists a
     * tenant's members (`TENANT#<id>#MEMBERS` on mailbox items) and all tenants (`TENANTS`).
     */
    directory: {
      name: 'GSI3',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      projection: { type: 'ALL' },
    },
  },
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  ttlAttribute: string;
  indexes: Record<string, IndexSchema>;
};

/** Every key attribute is a string. */
export function keyAttributeNames(): string[] {
  const names: string[] = [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey];
  for (const index of Object.values(TABLE_SCHEMA.indexes)) {
    names.push(index.partitionKey, index.sortKey);
  }
  return names;
}

/**
 * Attributes of a reference item (`STORED#<sesMessageId>`, shared/store/dynamo-stored-messages);
 * the IAM grant that lets the mailbox function lower its count names exactly these.
 */
export const STORED_ITEM_ATTRIBUTES = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  'type',
  'sesMessageId',
  'refs',
  'raw',
  'partCount',
  'delivered',
  'purge',
  'purgeRequestedAt',
  TABLE_SCHEMA.ttlAttribute,
] as const;
