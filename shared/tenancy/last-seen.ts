import type { Mailbox } from './model';

/** How stale `lastSeenAt` may be: "active in the last 30 days" needs no finer grain. */
export const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

/** The write to make, if the recorded sighting is older than the resolution; else none. */
export function lastSeenUpdate(
  mailbox: Pick<Mailbox, 'lastSeenAt'>,
  now: Date,
): { at: string; staleBefore: string } | undefined {
  const staleBefore = new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS).toISOString();
  if (mailbox.lastSeenAt && mailbox.lastSeenAt >= staleBefore) return undefined;
  return { at: now.toISOString(), staleBefore };
}
