import { randomBytes } from 'node:crypto';
import { SHARE_LIMITS } from '../share/limits';
import type { Share, ShareEvent } from '../share/model';
import { strip } from './account-items';
import { keys } from './keys';
import { TABLE_SCHEMA } from './table-schema';

/** How share items look in the table (keys.ts, table-schema.ts's catalogue), and back. */

export const TTL = TABLE_SCHEMA.ttlAttribute;
export const DAY_SECONDS = 86_400;
/** DynamoDB's ceiling on the keys of one BatchGetItem. */
export const BATCH_GET_KEYS = 100;
/** The share item outlives its expiry by this much, so the sweep (not TTL) normally removes it
 * and returns its space; TTL only clears what a sweep that never ran left behind. */
export const SHARE_TTL_GRACE_SECONDS = 7 * DAY_SECONDS;
export const epochSeconds = (at: string) => Math.floor(new Date(at).getTime() / 1000);
export const dayOf = (at: string) => at.slice(0, 10);

/**
 * The `<n>` of an event's sort key: this process's monotonic clock (so two events one process
 * writes at the same millisecond keep their order) and a random tail (so two processes never
 * write the same key).
 */
function eventSequence(): string {
  return `${process.hrtime.bigint().toString().padStart(20, '0')}${randomBytes(3).toString('hex')}`;
}

/** The share's expiry is stored as `shareExpiresAt`: `expiresAt` is the table's TTL attribute. */
export function shareItem(share: Share): Record<string, unknown> {
  const { expiresAt, ...rest } = share;
  return {
    ...keys.share(share.id),
    type: 'share',
    GSI3PK: keys.ownerShares(share.owner),
    GSI3SK: `${share.createdAt}#${share.id}`,
    ...rest,
    shareExpiresAt: expiresAt,
    [TTL]: epochSeconds(expiresAt) + SHARE_TTL_GRACE_SECONDS,
  };
}

export function shareOf(item: Record<string, unknown>): Share {
  const { shareExpiresAt, [TTL]: _ttl, ...rest } = strip<Record<string, unknown>>(item);
  return { ...rest, expiresAt: shareExpiresAt } as Share;
}

export function eventOf(item: Record<string, unknown>): ShareEvent {
  const { [TTL]: _ttl, ...rest } = strip<Record<string, unknown>>(item);
  return rest as unknown as ShareEvent;
}

/** An audit event item, kept SHARE_LIMITS.auditRetentionDays past the share's expiry (TTL). */
export function eventItem(share: Pick<Share, 'id' | 'expiresAt'>, event: ShareEvent) {
  return {
    ...keys.shareEvent(share.id, event.at, eventSequence()),
    type: 'share-event',
    ...event,
    [TTL]: epochSeconds(share.expiresAt) + SHARE_LIMITS.auditRetentionDays * DAY_SECONDS,
  };
}

/** The due marker: the sweep finds the share under the UTC day of `dueAt` on GSI3. */
export function dueItem(share: Share, dueAt: string): Record<string, unknown> {
  return {
    ...keys.shareDue(share.id),
    type: 'share-due',
    GSI3PK: keys.sharesDue(dayOf(dueAt)),
    GSI3SK: `${dueAt}#${share.id}`,
    shareId: share.id,
    dueAt,
    [TTL]: epochSeconds(share.expiresAt) + SHARE_TTL_GRACE_SECONDS,
  };
}

/** The share's entry in its tenant's listing (GSI3 `TENANT#<id>#SHARES`). */
export function tenantEntryItem(share: Share): Record<string, unknown> {
  return {
    ...keys.shareTenantEntry(share.id),
    type: 'share-tenant-entry',
    GSI3PK: keys.tenantShares(share.tenantId),
    GSI3SK: `${share.createdAt}#${share.id}`,
    shareId: share.id,
    [TTL]: epochSeconds(share.expiresAt) + SHARE_TTL_GRACE_SECONDS,
  };
}
