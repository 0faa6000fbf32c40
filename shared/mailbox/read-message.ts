import type { BlobStore } from '../blob/blob-store';
import type { Caller } from '../http/identity';
import { lastSeenUpdate } from '../tenancy/last-seen';
import { decodeCursor, encodeCursor } from './cursor';
import type { MailStore } from './mail-store';
import type { FolderId, Mailbox, MessageRecord, MessageSummary } from './model';

export class ForbiddenError extends Error {
  readonly code = 'Forbidden';
}

export class NoSuchMessageError extends Error {
  readonly code = 'NoSuchMessage';
  constructor() {
    super('There is no message with that id in your mailbox.');
  }
}

export class InvalidCursorForFolderError extends Error {
  readonly code = 'InvalidCursor';
  constructor() {
    super('The cursor belongs to another folder.');
  }
}

/**
 * The caller's own mailbox, checked against the token on every request: it must exist, belong
 * to the tenant the token names, and be active.
 */
export async function ownMailbox(
  store: MailStore,
  caller: Caller,
  now: Date = new Date(),
): Promise<Mailbox> {
  const mailbox = await store.getMailbox(caller.address);
  if (!mailbox || mailbox.tenantId !== caller.tenantId) {
    throw new ForbiddenError('The token does not match a mailbox of its tenant.');
  }
  if (mailbox.status !== 'active') throw new ForbiddenError('This account is disabled.');
  // "Active users" in the usage report: one conditional write an hour at most (issue 4).
  const seen = lastSeenUpdate(mailbox, now);
  if (seen) await store.markSeen(mailbox.address, seen.at, seen.staleBefore);
  return mailbox;
}

export interface MessagePage {
  items: MessageSummary[];
  nextCursor: string | null;
}

/** One page of a folder, newest first. */
export async function listMessages(
  store: MailStore,
  mailbox: Mailbox,
  query: { folder: FolderId; limit: number; cursor?: string },
): Promise<MessagePage> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (after && after.folder !== query.folder) throw new InvalidCursorForFolderError();
  const page = await store.listFolder(mailbox.address, query.folder, query.limit, after);
  return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
}

/** What the API shows of a message: everything but where we keep it. */
export type MessageView = Omit<
  MessageRecord,
  'mailbox' | 'tenantId' | 'sesMessageId' | 'raw' | 'bodyKey'
>;

export interface MessagePartsDeps {
  blobs: BlobStore;
  attachmentsBucket: string;
}

/**
 * The record with what ingest moved off its item merged back (`bodyKey`: a large body, and the
 * full address lists, subject, headers and attachment list when the item could not hold them).
 */
export async function withMovedParts(
  deps: MessagePartsDeps,
  record: MessageRecord,
): Promise<MessageRecord> {
  if (!record.bodyKey) return record;
  const moved = JSON.parse(
    Buffer.from(await deps.blobs.get(deps.attachmentsBucket, record.bodyKey)).toString('utf8'),
  ) as Partial<MessageRecord>;
  return { ...record, ...moved };
}

export async function readMessage(
  deps: { store: MailStore } & MessagePartsDeps,
  mailbox: Mailbox,
  id: string,
): Promise<MessageView> {
  const stored = await deps.store.getMessage(mailbox.address, id);
  if (!stored) throw new NoSuchMessageError();
  const record = await withMovedParts(deps, stored);
  const { mailbox: _m, tenantId: _t, sesMessageId: _s, raw: _r, bodyKey: _b, ...view } = record;
  return view;
}
