import * as z from '../validation/zod';
import type { MailRetention, Tenant } from '../tenancy/model';
import type { FolderStore } from './folders';
import { cursorAfter, cursorIn } from './list-messages';
import type { PagePosition } from './mail-store';
import { restorePlan, type MessageChangeStore } from './message-state';
import { isSystemFolder, type MessageSummary } from './model';
import { settled } from './message-actions';

/**
 * How long recoverable items are kept, and when Junk and Deleted Items empty themselves, in days:
 * the defaults, and the bounds a tenant's configuration (Tenant.mailRetention) must keep.
 */
export const RETENTION_LIMITS = {
  recoveryDays: { default: 14, min: 1, max: 30 },
  junkDays: { default: 30, min: 1, max: 3650 },
  deletedDays: { default: 30, min: 1, max: 3650 },
} as const;

const days = (limits: { min: number; max: number }) =>
  z.optional(z.number().check(z.int(), z.minimum(limits.min), z.maximum(limits.max)));

export const mailRetentionSchema = z.strictObject({
  recoveryDays: days(RETENTION_LIMITS.recoveryDays),
  junkDays: days(RETENTION_LIMITS.junkDays),
  deletedDays: days(RETENTION_LIMITS.deletedDays),
});

export function retentionOf(
  tenant: Pick<Tenant, 'mailRetention'> | undefined,
): Required<MailRetention> {
  const configured = tenant?.mailRetention ?? {};
  const pick = (field: keyof MailRetention) => {
    const { default: fallback, max } = RETENTION_LIMITS[field];
    return Math.min(configured[field] ?? fallback, max);
  };
  return {
    recoveryDays: pick('recoveryDays'),
    junkDays: pick('junkDays'),
    deletedDays: pick('deletedDays'),
  };
}

export const DAY_MS = 24 * 3600 * 1000;

/** A recoverable item as listed: its summary, when it was deleted and when it goes for good. */
export interface RecoverableItem extends MessageSummary {
  deletedAt: string;
  purgeAfter: string;
}

export interface RecoverablePage {
  items: (MessageSummary & { deletedAt: string })[];
  next?: PagePosition;
}

export interface RecoverableStore {
  /** Recoverable items, most recently deleted first. */
  listRecoverable(address: string, limit: number, after?: PagePosition): Promise<RecoverablePage>;
  /** Ids of recoverable items deleted before `before`, oldest first, at most `limit`. */
  listRecoverableBefore(address: string, before: string, limit: number): Promise<string[]>;
}

const RECOVERABLE_SCOPE = 'recoverable';

export async function listRecoverable(
  store: RecoverableStore,
  address: string,
  tenant: Pick<Tenant, 'mailRetention'> | undefined,
  query: { limit: number; cursor?: string },
) {
  const page = await store.listRecoverable(
    address,
    query.limit,
    cursorIn(RECOVERABLE_SCOPE, query.cursor),
  );
  const window = retentionOf(tenant).recoveryDays * DAY_MS;
  return {
    items: page.items.map((item) => ({
      ...item,
      purgeAfter: new Date(Date.parse(item.deletedAt) + window).toISOString(),
    })),
    nextCursor: cursorAfter(RECOVERABLE_SCOPE, page),
  };
}

/** Puts a recoverable item back where it was deleted from (Inbox when that folder is gone). */
export async function restoreRecoverable(
  deps: { messages: MessageChangeStore; folders: Pick<FolderStore, 'listFolders'> },
  address: string,
  id: string,
  now: Date = new Date(),
) {
  const { folders } = await deps.folders.listFolders(address);
  const live = new Set(folders.filter((f) => !f.deleting).map((f) => f.id));
  const plan = restorePlan((folder) => isSystemFolder(folder) || live.has(folder));
  let result = await deps.messages.changeMessages(address, [id], plan, now);
  // The folder went between the list and the transaction: once more, to Inbox.
  if (result.outcomes.get(id)?.status === 'no-folder') {
    result = await deps.messages.changeMessages(address, [id], restorePlan(isSystemFolder), now);
  }
  const message = settled(result.outcomes.get(id));
  return { id, folder: message.folder, state: result.state };
}
