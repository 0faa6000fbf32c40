import type { BlobLister, BlobStore } from '../blob/blob-store';
import {
  BODY_PREFIX,
  PART_PREFIX,
  RAW_MAIL_PREFIX,
  SYSTEM_NOTICE_PREFIX,
} from '../config/resource-names';
import {
  purgeStoredObjects,
  type PendingPurge,
  type StoredMessageStore,
  type StoredObjects,
} from '../mailbox/stored-objects';

/**
 * How old an unreferenced object must be before it counts as an orphan: a notification can wait
 * in the ingest queue and its dead-letter queue (14 days' retention) before it is indexed, and
 * until then its objects have no reference yet. A day more for the redrive itself.
 */
export const ORPHAN_MIN_AGE_MS = 15 * 24 * 60 * 60 * 1000;

/** The reference items as reconcile needs them (shared/store/dynamo-stored-messages). */
export interface StoredObjectsLedger extends Pick<StoredMessageStore, 'finishPurge'> {
  getStored(
    sesMessageId: string,
  ): Promise<(StoredObjects & { refs: number; purge?: 'pending' | 'done' }) | undefined>;
  listPendingPurges(cursor?: string): Promise<{ items: PendingPurge[]; next?: string }>;
  markUnreferenced(sesMessageId: string, objects: StoredObjects, now: Date): Promise<boolean>;
}

export interface ReconcileObjectsDeps {
  ledger: StoredObjectsLedger;
  blobs: BlobStore & BlobLister;
  rawMailBucket: string;
  attachmentsBucket: string;
}

export interface Orphan {
  bucket: string;
  key: string;
  sesMessageId: string;
  /** deleted, or reported (not asked to repair), or referenced meanwhile (left alone). */
  result: 'deleted' | 'reported' | 'changed-meanwhile';
}

export interface ObjectsReport {
  /** Purges a crash left half done: finished with `repair`, else reported. */
  pendingPurges: { sesMessageId: string; result: 'purged' | 'reported' }[];
  orphans: Orphan[];
}

/** Where each stored message's objects live, and how their keys name the SES message. */
function sources(deps: ReconcileObjectsDeps) {
  const named = (prefix: string, suffix: string) => (key: string) => {
    const rest = key.slice(prefix.length);
    return rest.endsWith(suffix) && !rest.includes('/')
      ? rest.slice(0, -suffix.length || undefined)
      : undefined;
  };
  return [
    { bucket: deps.rawMailBucket, prefix: RAW_MAIL_PREFIX, idOf: named(RAW_MAIL_PREFIX, '') },
    {
      bucket: deps.attachmentsBucket,
      prefix: PART_PREFIX,
      idOf: (key: string) => key.slice(PART_PREFIX.length).split('/')[0] || undefined,
    },
    {
      // bodies/<id>.json (moved-out parts), bodies/<id>.text and .html (linked bodies).
      bucket: deps.attachmentsBucket,
      prefix: BODY_PREFIX,
      idOf: (key: string) => /^([^/]+)\.(json|text|html)$/.exec(key.slice(BODY_PREFIX.length))?.[1],
    },
    {
      bucket: deps.attachmentsBucket,
      prefix: SYSTEM_NOTICE_PREFIX,
      idOf: named(SYSTEM_NOTICE_PREFIX, '.eml'),
    },
  ];
}

/**
 * Objects left behind: finishes purges a crash interrupted (`pending` markers), and finds
 * orphans, objects of a stored message that no message item refers to (`references`, from the
 * usage pass) and whose reference item holds none, older than ORPHAN_MIN_AGE_MS. With `repair`
 * an orphan's message is marked for purging (only if still unreferenced: a delivery that
 * indexes it meanwhile wins) and its objects are deleted.
 */
export async function reconcileObjects(
  deps: ReconcileObjectsDeps,
  references: ReadonlySet<string>,
  options: { repair: boolean; now: Date },
): Promise<ObjectsReport> {
  const report: ObjectsReport = { pendingPurges: [], orphans: [] };
  const purgeDeps = { ...deps, storedMessages: deps.ledger };
  let cursor: string | undefined;
  do {
    const page = await deps.ledger.listPendingPurges(cursor);
    for (const purge of page.items) {
      if (options.repair) await purgeStoredObjects(purgeDeps, purge, options.now);
      report.pendingPurges.push({
        sesMessageId: purge.sesMessageId,
        result: options.repair ? 'purged' : 'reported',
      });
    }
    cursor = page.next;
  } while (cursor);

  const bornBefore = options.now.getTime() - ORPHAN_MIN_AGE_MS;
  const held = new Map<string, boolean>();
  const orphans = new Map<string, { bucket: string; key: string }[]>();
  for (const { bucket, prefix, idOf } of sources(deps)) {
    for await (const object of deps.blobs.list(bucket, prefix)) {
      const sesMessageId = idOf(object.key);
      if (!sesMessageId || object.lastModified.getTime() > bornBefore) continue;
      if (references.has(sesMessageId)) continue;
      let isHeld = held.get(sesMessageId);
      if (isHeld === undefined) {
        const stored = await deps.ledger.getStored(sesMessageId);
        // A pending purge is the sweep's (above); a done one whose objects came back is an orphan.
        isHeld = stored !== undefined && (stored.refs > 0 || stored.purge === 'pending');
        held.set(sesMessageId, isHeld);
      }
      if (isHeld) continue;
      orphans.set(sesMessageId, [
        ...(orphans.get(sesMessageId) ?? []),
        { bucket, key: object.key },
      ]);
    }
  }

  for (const [sesMessageId, objects] of orphans) {
    let result: Orphan['result'] = 'reported';
    if (options.repair) {
      result = (await purgeOrphan(deps, sesMessageId, objects, options.now))
        ? 'deleted'
        : 'changed-meanwhile';
    }
    report.orphans.push(...objects.map((o) => ({ ...o, sesMessageId, result })));
  }
  return report;
}

async function purgeOrphan(
  deps: ReconcileObjectsDeps,
  sesMessageId: string,
  objects: { bucket: string; key: string }[],
  now: Date,
): Promise<boolean> {
  const stored = await deps.ledger.getStored(sesMessageId);
  if (stored?.purge !== 'done') {
    const placeholder = {
      raw: { bucket: deps.rawMailBucket, key: `${RAW_MAIL_PREFIX}${sesMessageId}` },
      partCount: 0,
    };
    if (!(await deps.ledger.markUnreferenced(sesMessageId, placeholder, now))) return false;
  }
  const byBucket = new Map<string, string[]>();
  for (const { bucket, key } of objects)
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
  for (const [bucket, keys] of byBucket) await deps.blobs.delete(bucket, keys);
  await deps.ledger.finishPurge(sesMessageId, now);
  return true;
}
