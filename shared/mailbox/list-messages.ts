import { domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import { decodeCursor, encodeCursor } from './cursor';
import type { MailStore, PagePosition, SummaryPage } from './mail-store';
import type { FolderId, MessageSummary } from './model';

export class InvalidCursorForFolderError extends domainError(
  'InvalidCursor',
  'The cursor belongs to another folder or thread.',
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
  const after = cursorIn(query.folder, query.cursor);
  const page = await store.listFolder(mailbox.address, query.folder, query.limit, after);
  return { items: page.items, nextCursor: cursorAfter(query.folder, page) };
}

/** The position a cursor names, checked to belong to the list (`scope`) it is used on. */
export function cursorIn(scope: string, cursor: string | undefined): PagePosition | undefined {
  if (!cursor) return undefined;
  const { scope: issuedFor, position, id } = decodeCursor(cursor);
  if (issuedFor !== scope) throw new InvalidCursorForFolderError();
  return { position, id };
}

/** The cursor to the page after this one, or null at the end of the list. */
export function cursorAfter(scope: string, page: SummaryPage): string | null {
  return page.next ? encodeCursor({ scope, ...page.next }) : null;
}
