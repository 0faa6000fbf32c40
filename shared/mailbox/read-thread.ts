import { domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import { cursorAfter, cursorIn } from './list-messages';
import type { MailStore } from './mail-store';
import type { MessageSummary } from './model';

/** The most messages one thread answer lists. */
export const THREAD_PAGE_MAX = 100;

export class NoSuchThreadError extends domainError(
  'NoSuchThread',
  'There is no thread with that id in your mailbox.',
) {}

export interface ThreadPage {
  threadId: string;
  items: MessageSummary[];
  nextCursor: string | null;
  /** `nextCursor !== null`, kept for clients written before threads had cursors. */
  more: boolean;
}

/** One page of a thread's messages in the caller's mailbox, oldest first. */
export async function readThread(
  store: Pick<MailStore, 'listThread'>,
  mailbox: Mailbox,
  threadId: string,
  cursor?: string,
): Promise<ThreadPage> {
  // Its own scope, so a folder's cursor is refused here and a thread's in a folder.
  const scope = `thread:${threadId}`;
  const after = cursorIn(scope, cursor);
  const page = await store.listThread(mailbox.address, threadId, THREAD_PAGE_MAX, after);
  if (page.items.length === 0 && !after) throw new NoSuchThreadError();
  const nextCursor = cursorAfter(scope, page);
  return { threadId, items: page.items, nextCursor, more: nextCursor !== null };
}
