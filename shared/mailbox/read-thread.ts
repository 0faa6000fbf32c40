import { domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import type { MailStore } from './mail-store';
import type { MessageSummary } from './model';

/** The most messages one thread answer lists. */
export const THREAD_PAGE_MAX = 100;

export class NoSuchThreadError extends domainError(
  'NoSuchThread',
  'There is no thread with that id in your mailbox.',
) {}

/** A thread's messages in the caller's mailbox, oldest first. */
export async function readThread(
  store: Pick<MailStore, 'listThread'>,
  mailbox: Mailbox,
  threadId: string,
): Promise<{ threadId: string; items: MessageSummary[]; more: boolean }> {
  const page = await store.listThread(mailbox.address, threadId, THREAD_PAGE_MAX);
  if (page.items.length === 0) throw new NoSuchThreadError();
  return { threadId, ...page };
}
