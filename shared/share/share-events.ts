import type { Share, ShareEvent, ShareEventKind } from './model';
import type { ShareStore } from './share-store';

/**
 * Appends one event to a share's audit trail (`SHARE#<id>`/`EVENT#<time>#<n>`). Concurrent
 * appends at the same millisecond each get their own item; the trail is kept for
 * SHARE_LIMITS.auditRetentionDays past the share's expiry (TTL), also after a delete.
 */
export async function appendShareEvent(
  store: Pick<ShareStore, 'putEvent'>,
  share: Pick<Share, 'id' | 'expiresAt'>,
  event: Omit<ShareEvent, 'shareId' | 'at'> & { at?: string | Date },
): Promise<ShareEvent> {
  const at = event.at === undefined ? new Date() : new Date(event.at);
  const recorded: ShareEvent = { ...event, shareId: share.id, at: at.toISOString() };
  await store.putEvent(share, recorded);
  return recorded;
}

/** An event for a transaction that writes it with other items (create, verdict, delete). */
export function shareEvent(
  share: Pick<Share, 'id'>,
  kind: ShareEventKind,
  actor: string,
  at: string,
  detail?: ShareEvent['detail'],
): ShareEvent {
  return { shareId: share.id, at, kind, actor, ...(detail && { detail }) };
}
