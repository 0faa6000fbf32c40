import type { FolderId } from '../mailbox/model';

/** Key builders for the one table; see table-schema.ts for the item catalogue. */
export const keys = {
  tenant: (tenantId: string) => ({ PK: `TENANT#${tenantId}`, SK: 'PROFILE' }),
  domain: (domain: string) => ({ PK: `DOMAIN#${domain}`, SK: 'DOMAIN' }),
  mailbox: (address: string) => ({ PK: `MBX#${address}`, SK: 'PROFILE' }),
  folder: (address: string, folder: FolderId) => ({ PK: `MBX#${address}`, SK: `FOLDER#${folder}` }),
  message: (address: string, id: string) => ({ PK: `MBX#${address}`, SK: `MSG#${id}` }),
  /**
   * Left by deleting a message for good (`expiresAt` lets DynamoDB's TTL remove it later), so an
   * SQS redelivery of its notification cannot put the message back (shared/store). In its own
   * partition, not the mailbox's: the grant that lets the mailbox function put tombstones
   * (dynamodb:LeadingKeys `GONE#*`) then cannot overwrite a mailbox's items.
   */
  tombstone: (address: string, id: string) => ({ PK: `GONE#${address}`, SK: `MSG#${id}` }),
  /**
   * The reference count of one received message's objects (raw, parts, body): how many message
   * items point at them, and whether they are being or have been purged (shared/mailbox/stored-objects).
   */
  storedMessage: (sesMessageId: string) => ({ PK: `STORED#${sesMessageId}`, SK: 'STORED' }),
  /**
   * Where a bounded sweep (shared/mailbox/sweep-walk) stopped, so its next run goes on from
   * there: one item per sweep, in a partition of its own, so that its grant reaches nothing else.
   */
  sweepCursor: (sweep: string) => ({ PK: `SWEEP#${sweep}`, SK: 'CURSOR' }),
  folderIndex: (address: string, folder: FolderId) => `MBX#${address}#FOLDER#${folder}`,
  threadIndex: (address: string, threadId: string) => `MBX#${address}#THREAD#${threadId}`,
  /** Newest first is a descending query on `<receivedAt>#<id>`. */
  timeline: (receivedAt: string, id: string) => `${receivedAt}#${id}`,
  /** Marks a bounce as sent for one recipient of one SES message (shared/inbound/bounce-recipient). */
  bounceMarker: (sesMessageId: string, recipient: string) => ({
    PK: `BOUNCE#${sesMessageId}`,
    SK: `RCPT#${recipient}`,
  }),
  /**
   * A recipient refused without a bounce (shared/inbound/refusals), filed under the UTC day SES
   * received it, so that an operator lists a time range with one Query per day. The sort key
   * starts with the receipt time and holds the SES message id and recipient: every field comes
   * from the notification, so a redelivery derives the same key and a conditional put is a no-op.
   */
  refusal: (receivedAt: string, sesMessageId: string, recipient: string) => ({
    PK: `REFUSALS#${receivedAt.slice(0, 10)}`,
    SK: `${receivedAt}#${sesMessageId}#${recipient}`,
  }),
  /** The partition of one UTC day's refusals, `YYYY-MM-DD`. */
  refusalDay: (day: string) => `REFUSALS#${day}`,
  /** A bulk import job of a tenant (shared/tenancy/csv-import). */
  importJob: (tenantId: string, jobId: string) => ({
    PK: `TENANT#${tenantId}`,
    SK: `IMPORT#${jobId}`,
  }),
  /**
   * A transfer offer, kept once on each of its two tenants (shared/store/dynamo-transfer-offers),
   * so each lists it and no third tenant can read it.
   */
  transferOffer: (tenantId: string, offerId: string) => ({
    PK: `TENANT#${tenantId}`,
    SK: `OFFER#${offerId}`,
  }),
  /**
   * The search index of a mailbox lives in its partition (shared/store/dynamo-search-index):
   * its state, each message's term set by `<indexedAt>#<id>`, and the runs' shards and
   * message-table pages by level, slot and number.
   */
  searchState: (address: string) => ({ PK: `MBX#${address}`, SK: 'SRCH#STATE' }),
  searchTerms: (address: string, key: string) => ({ PK: `MBX#${address}`, SK: `SRCH#T#${key}` }),
  searchShard: (address: string, level: number, slot: number, bucket: number) => ({
    PK: `MBX#${address}`,
    SK: `SRCH#P#${level}.${slot}#${bucket}`,
  }),
  searchPage: (address: string, level: number, slot: number, page: number) => ({
    PK: `MBX#${address}`,
    SK: `SRCH#M#${level}.${slot}#${page}`,
  }),
  // Sending (issue 10).
  /** One sender's count of messages in a UTC minute or recipients in a UTC day (TTL'd). */
  sendWindow: (address: string, window: string) => ({ PK: `SENDRATE#${address}`, SK: window }),
  /** An address a tenant no longer sends to (hard bounce or complaint) until an admin lifts it. */
  suppression: (tenantId: string, address: string) => ({
    PK: `SUPPRESS#${tenantId}`,
    SK: `ADDR#${address}`,
  }),
  /** An attachment a user uploaded for a message to come (TTL'd). */
  upload: (address: string, id: string) => ({ PK: `MBX#${address}`, SK: `UPLOAD#${id}` }),
  /** Which Sent copy an SES message id belongs to, for SES's events. */
  outbound: (sesMessageId: string) => ({ PK: `SESOUT#${sesMessageId}`, SK: 'SESOUT' }),
  /** A mailbox's directory entries live beside it, one per scope and slot (shared/tenancy). */
  directoryEntry: (address: string, scope: string, slot: number) => ({
    PK: `MBX#${address}`,
    SK: `DIR#${scope}#${slot}`,
  }),
  // Large-file share (issue 9): every item of a share lives in its own partition `SHARE#<id>`,
  // so one IAM LeadingKeys pattern covers them and no share item sits in a mailbox's partition.
  /** The share itself (shared/share/model). On GSI3 under its owner (ownerShares). */
  share: (id: string) => ({ PK: `SHARE#${id}`, SK: 'SHARE' }),
  /** The share's due marker, on GSI3 under the day it falls due (sharesDue): the sweep's index. */
  shareDue: (id: string) => ({ PK: `SHARE#${id}`, SK: 'DUE' }),
  /** The share's entry in its tenant's listing, on GSI3 under tenantShares. */
  shareTenantEntry: (id: string) => ({ PK: `SHARE#${id}`, SK: 'TENANT' }),
  /** One audit event; `n` keeps two events of the same millisecond apart. */
  shareEvent: (id: string, at: string, n: string) => ({
    PK: `SHARE#${id}`,
    SK: `EVENT#${at}#${n}`,
  }),
  shareEventPrefix: 'EVENT#',
  sharePartition: (id: string) => `SHARE#${id}`,
  /** GSI3 partitions: an owner's shares, a tenant's shares (sorted `<createdAt>#<id>`), and the
   * shares falling due on one UTC day (sorted `<dueAt>#<id>`). */
  ownerShares: (owner: string) => `MBX#${owner}#SHARES`,
  tenantShares: (tenantId: string) => `TENANT#${tenantId}#SHARES`,
  sharesDue: (day: string) => `SHARES#DUE#${day}`,
  // Share links and the public page (issue 9, share-links).
  /** A share link, under the SHA-256 of its token: the only way in from a public URL. */
  link: (tokenHash: string) => ({ PK: `LINK#${tokenHash}`, SK: 'LINK' }),
  /** The owner's handle on a link (its id, its token hash), beside the share it opens. */
  shareLink: (shareId: string, linkId: string) => ({
    PK: `SHARE#${shareId}`,
    SK: `LINK#${linkId}`,
  }),
  /** A sliding-window attempt counter (wrong passwords, abuse reports), removed by TTL. */
  attempts: (key: string) => ({ PK: `ATTEMPTS#${key}`, SK: 'ATTEMPTS' }),
  /** An abuse report of a share, listed by the tenant admin on GSI3 under `TENANT#<id>#REPORTS`. */
  shareReport: (shareId: string, reportId: string) => ({
    PK: `SHARE#${shareId}`,
    SK: `REPORT#${reportId}`,
  }),
  tenantReports: (tenantId: string) => `TENANT#${tenantId}#REPORTS`,
  /** A report not yet told to its tenant's admins (share-sweep), beside the report. */
  reportNotice: (shareId: string, reportId: string) => ({
    PK: `SHARE#${shareId}`,
    SK: `NOTIFY#REPORT#${reportId}`,
  }),
  /** GSI3 partition of the report notices still to send (the share sweep's). */
  unnotifiedReports: 'REPORTS#UNNOTIFIED',
  /** A request for files (shared/share/share-requests), under the SHA-256 of its token. */
  shareRequest: (tokenHash: string) => ({ PK: `REQUEST#${tokenHash}`, SK: 'REQUEST' }),
  // [secure] delivery (issue 10, item 10): a recipient's record, and each send's audit trail.
  secureRecipient: (tokenHash: string) => ({ PK: `SECURE#${tokenHash}`, SK: 'SECURE' }),
  secureEvent: (secureId: string, at: string, n: string) => ({
    PK: `SECUREMSG#${secureId}`,
    SK: `EVENT#${at}#${n}`,
  }),
  secureTrail: (secureId: string) => `SECUREMSG#${secureId}`,
  /** Beside the trail, one entry per outside recipient: the sender's withdrawal finds them. */
  secureRecipientEntry: (secureId: string, tokenHash: string) => ({
    PK: `SECUREMSG#${secureId}`,
    SK: `TO#${tokenHash}`,
  }),
};
