import { domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import { decodeCursor, encodeCursor } from './cursor';
import type { MailStore } from './mail-store';
import type { FolderId, MessageSummary } from './model';

export class InvalidCursorForFolderError extends domainError(
  'InvalidCursor',
  'The cursor belongs to another folder.',
) {}

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
