import { domainError } from '../errors/domain-error';
import type { ChangeSet } from './changes';
import { NoSuchMessageError } from './read-message';
import { isWithheld, type FolderId, type MessageRecord } from './model';

/** What a move, flag, delete or restore reads and writes of a message item. */
export type MessageState = Pick<
  MessageRecord,
  | 'id'
  | 'folder'
  | 'unread'
  | 'flagged'
  | 'quarantined'
  | 'release'
  | 'deletedFrom'
  | 'deletedAt'
  | 'recoverable'
  // Sending (issue 10): set on an original its owner answered or forwarded.
  | 'answered'
  | 'forwarded'
  | 'size'
  | 'receivedAt'
  | 'threadId'
  | 'version'
>;

/** The next state of a message, `unchanged` (doing it again changes nothing), or why not. */
export type Plan = MessageState | 'unchanged' | Error;

/** What a store reports per id besides the plan's own errors. */
export type ChangeOutcome =
  | { status: 'changed' | 'unchanged'; message: MessageState }
  | { status: 'no-message' | 'no-folder' | 'over-quota' }
  | { status: 'refused'; error: Error };

export interface ChangeResult {
  outcomes: Map<string, ChangeOutcome>;
  /** The mailbox's state after the last transaction (for `changes`). */
  state: number;
}

/**
 * Applies a plan to messages of one mailbox: per group of messages, one conditional transaction
 * of the messages, the counters of every folder they leave or enter, the mailbox's totals and
 * state, and a change-log entry (shared/store/message-changes).
 */
export interface MessageChangeStore {
  changeMessages(
    address: string,
    ids: string[],
    plan: (current: MessageState) => Plan,
    now: Date,
  ): Promise<ChangeResult>;
}

export class MessageQuarantinedError extends domainError(
  'MessageQuarantined',
  'The message is quarantined: it stays in Quarantine (or Deleted Items) until a tenant admin releases it.',
) {}

export class MoveNotAllowedError extends domainError(
  'MoveNotAllowed',
  'Only the scan puts mail into Quarantine.',
) {}

export const isLive = (m: Pick<MessageState, 'recoverable'>) => m.recoverable === undefined;

/**
 * The change-log entry a set of transitions makes. `countedFolders`: the folders whose `total` or
 * `unread` the same transaction moves; they are `updated` too, since a client shows them.
 */
export function changeSetOf(
  transitions: [MessageState, MessageState][],
  countedFolders: FolderId[] = [],
): ChangeSet {
  const created: string[] = [];
  const updated: string[] = [];
  const destroyed: string[] = [];
  for (const [before, after] of transitions) {
    if (isLive(before) && isLive(after)) updated.push(after.id);
    else if (isLive(before)) destroyed.push(after.id);
    else if (isLive(after)) created.push(after.id);
  }
  return {
    messages: {
      ...(created.length && { created }),
      ...(updated.length && { updated }),
      ...(destroyed.length && { destroyed }),
    },
    ...(countedFolders.length && { folders: { updated: countedFolders } }),
  };
}

/** A move of a live message into `to`, with Deleted Items remembering where it came from. */
export function movedTo(current: MessageState, to: FolderId, now: Date): MessageState {
  if (to === current.folder) return current;
  const withheld = isWithheld(current);
  if (to === 'quarantine' && !withheld) throw new MoveNotAllowedError();
  if (withheld && to !== 'deleted' && to !== 'quarantine') {
    throw new MessageQuarantinedError();
  }
  const { deletedFrom: _from, deletedAt: _at, ...rest } = current;
  const next: MessageState = { ...rest, folder: to };
  // The verdict stays with the message when it leaves the Quarantine folder (isWithheld).
  if (current.folder === 'quarantine' && current.quarantined === undefined) next.quarantined = true;
  if (to === 'deleted') {
    next.deletedFrom = current.folder;
    next.deletedAt = now.toISOString();
  }
  return next;
}

/** The fields of the message that differ; nothing differing means `unchanged`. */
export function unlessSame(current: MessageState, next: MessageState): Plan {
  const fields = new Set([...Object.keys(current), ...Object.keys(next)]) as Set<
    keyof MessageState
  >;
  for (const field of fields) {
    if (JSON.stringify(current[field]) !== JSON.stringify(next[field])) return next;
  }
  return 'unchanged';
}

/** PATCH: flags and an optional move; a recoverable item is not found. */
export function updatePlan(
  change: { seen?: boolean; flagged?: boolean; folderId?: FolderId },
  now: Date,
): (current: MessageState) => Plan {
  return (current) => {
    if (!isLive(current)) return new NoSuchMessageError();
    try {
      let next: MessageState = { ...current };
      if (change.seen !== undefined) next.unread = !change.seen;
      if (change.flagged !== undefined) next.flagged = change.flagged;
      if (change.folderId !== undefined) next = movedTo(next, change.folderId, now);
      return unlessSame(current, next);
    } catch (error) {
      return error as Error;
    }
  };
}

/**
 * DELETE: into Deleted Items; from there, a recoverable item. Each call takes one step, so
 * repeating it takes the next one (as a mail client's delete key does).
 */
export function deletePlan(now: Date): (current: MessageState) => Plan {
  return (current) => {
    if (!isLive(current)) return new NoSuchMessageError();
    if (current.folder !== 'deleted') return movedTo(current, 'deleted', now);
    return { ...current, recoverable: { since: now.toISOString() } };
  };
}

/** Sending (issue 10): the original of a reply or forward gets its flag; idempotent. */
export function sentOnPlan(flag: 'answered' | 'forwarded'): (current: MessageState) => Plan {
  return (current) => {
    if (!isLive(current)) return 'unchanged';
    return unlessSame(current, { ...current, [flag]: true });
  };
}

/** Retention: a message that is still in `folder` and older than `before` becomes recoverable. */
export function expiryPlan(
  folder: 'junk' | 'deleted',
  before: string,
  now: Date,
): (current: MessageState) => Plan {
  return (current) => {
    const since =
      folder === 'deleted' ? (current.deletedAt ?? current.receivedAt) : current.receivedAt;
    if (!isLive(current) || current.folder !== folder || since >= before) return 'unchanged';
    // Straight from Junk, it restores to Junk (from Deleted Items, where it was deleted from).
    const from = folder === 'junk' ? { deletedFrom: folder } : {};
    return { ...current, ...from, recoverable: { since: now.toISOString() } };
  };
}

/** Restore: back to the folder it was deleted from, or `fallback` when that one is gone. */
export function restorePlan(
  folderExists: (id: FolderId) => boolean,
): (current: MessageState) => Plan {
  return (current) => {
    if (isLive(current)) return new NoSuchMessageError();
    const { recoverable: _r, deletedFrom, deletedAt: _at, ...rest } = current;
    const back = deletedFrom && folderExists(deletedFrom) ? deletedFrom : 'inbox';
    return { ...rest, folder: isWithheld(current) ? 'quarantine' : back };
  };
}
