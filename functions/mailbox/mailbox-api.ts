import * as z from '@shared/validation/zod';
import type { BlobStore } from '@shared/blob/blob-store';
import type { DownloadLinks } from '@shared/blob/download-links';
import { pageFields, pageQuerySchema } from '@shared/http/request-schemas';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { routedHandler } from '@shared/http/route-dispatch';
import type { Mailbox } from '@shared/tenancy/model';
import { listMessages } from '@shared/mailbox/list-messages';
import { readMessage } from '@shared/mailbox/read-message';
import { ownMailbox } from '@shared/mailbox/own-mailbox';
import { callerOf } from '@shared/http/identity';
import type { MailStore } from '@shared/mailbox/mail-store';
import { MESSAGE_ID_PATTERN } from '@shared/mailbox/message-id';
import { changesQuerySchema, changesSince, type ChangeLogReader } from '@shared/mailbox/changes';
import {
  createFolder,
  createFolderSchema,
  deleteFolder,
  deleteFolderQuerySchema,
  folderIdSchema,
  listFolders,
  renameFolder,
  renameFolderSchema,
  type FolderStore,
} from '@shared/mailbox/folders';
import {
  bulkChange,
  deleteMessage,
  messageChangeSchema,
  updateMessage,
} from '@shared/mailbox/message-actions';
import type { MessageChangeStore } from '@shared/mailbox/message-state';
import {
  listRecoverable,
  restoreRecoverable,
  type RecoverableStore,
} from '@shared/mailbox/recoverable';
import { jsonBody } from '@shared/http/json-body';
import { toProblem } from '@shared/http/http-stack';
import { attachmentDownload, rawDownload } from '@shared/mailbox/download-message';
import type { Download } from '@shared/mailbox/download-link';
import { readThread } from '@shared/mailbox/read-thread';
import type { SearchIndexStore } from '@shared/search/search-index-store';
import { searchMessages } from '@shared/search/search-messages';
import { bulkChangeBySearch } from '@shared/search/bulk-by-search';
import { searchQuerySchema } from './search-query';
import { bulkRequestSchema } from './bulk-request';

const listQuerySchema = z.strictObject({
  folder: z._default(folderIdSchema, 'inbox'),
  ...pageFields,
});

const folderPathSchema = z.object({ id: folderIdSchema });

const messagePathSchema = z.object({
  id: z.string().check(z.regex(MESSAGE_ID_PATTERN, 'a message id is 32 lowercase hex characters')),
});

const attachmentPathSchema = z.extend(messagePathSchema, {
  n: z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000)),
});

const threadQuerySchema = z.strictObject({ cursor: pageFields.cursor });

const threadPathSchema = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{24}$/, 'a thread id is 24 lowercase hex characters')),
});

export interface MailboxApiDeps {
  store: MailStore;
  /** Flags, moves, deletes and restores: one conditional transaction each (issue 11). */
  messages: MessageChangeStore;
  folders: FolderStore;
  recoverable: RecoverableStore;
  changeLog: ChangeLogReader;
  blobs: BlobStore;
  links: DownloadLinks;
  attachmentsBucket: string;
  /** The search index (shared/search). */
  searchIndex: SearchIndexStore;
}

/** Downloads answer 303 See Other to the presigned URL, and say the same in a JSON body. */
function redirect(download: Download) {
  return json(303, download, { location: download.url, 'cache-control': 'no-store' });
}

/**
 * The mailbox read API: one Lambda, one operation per route of the shared route table, each
 * on the caller's own mailbox (checked once, before any operation).
 */
export function createMailboxHandler(deps: MailboxApiDeps) {
  const ownOf = async (event: ApiEvent): Promise<[Mailbox]> => [
    await ownMailbox(deps.store, callerOf(event)),
  ];
  return routedHandler('mailbox', ownOf, {
    'GET /mailboxes/me/messages': async (event, mailbox) => {
      const query = listQuerySchema.parse(event.queryStringParameters ?? {});
      // The state read before the list: changes since it may repeat some, never miss one.
      const state = mailbox.changes ?? 0;
      return json(200, { ...(await listMessages(deps.store, mailbox, query)), state });
    },
    'GET /mailboxes/me/messages/{id}': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      return json(200, await readMessage(deps, mailbox, id));
    },
    'DELETE /mailboxes/me/messages/{id}': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      return json(200, await deleteMessage(deps.messages, mailbox.address, id));
    },
    'PATCH /mailboxes/me/messages/{id}': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      const change = messageChangeSchema.parse(jsonBody(event));
      return json(200, await updateMessage(deps.messages, mailbox.address, id, change));
    },
    'POST /mailboxes/me/messages/bulk': async (event, mailbox) => {
      const { ids, query, ...action } = bulkRequestSchema.parse(jsonBody(event));
      const statusOf = (error: unknown) => {
        const { status, code } = toProblem(error, event.requestContext.requestId);
        return { status, code };
      };
      if (query) {
        return json(200, await bulkChangeBySearch(deps, mailbox, query, action, statusOf));
      }
      const request = { ...action, ids: ids ?? [] };
      return json(200, await bulkChange(deps.messages, mailbox.address, request, statusOf));
    },
    'GET /mailboxes/me/folders': async (_event, mailbox) =>
      json(200, await listFolders(deps.folders, mailbox.address)),
    'POST /mailboxes/me/folders': async (event, mailbox) => {
      const input = createFolderSchema.parse(jsonBody(event));
      return json(201, await createFolder(deps.folders, mailbox.address, input));
    },
    'PATCH /mailboxes/me/folders/{id}': async (event, mailbox) => {
      const { id } = folderPathSchema.parse(event.pathParameters ?? {});
      const { name } = renameFolderSchema.parse(jsonBody(event));
      return json(200, await renameFolder(deps.folders, mailbox.address, id, name));
    },
    'DELETE /mailboxes/me/folders/{id}': async (event, mailbox) => {
      const { id } = folderPathSchema.parse(event.pathParameters ?? {});
      const { contents } = deleteFolderQuerySchema.parse(event.queryStringParameters ?? {});
      await deleteFolder(deps, mailbox.address, id, { moveContents: contents !== undefined });
      return { statusCode: 204 };
    },
    'GET /mailboxes/me/recoverable': async (event, mailbox) => {
      const query = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const tenant = await deps.store.getTenant(mailbox.tenantId);
      return json(200, await listRecoverable(deps.recoverable, mailbox.address, tenant, query));
    },
    'POST /mailboxes/me/recoverable/{id}/restore': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      return json(200, await restoreRecoverable(deps, mailbox.address, id));
    },
    'GET /mailboxes/me/changes': async (event, mailbox) => {
      const query = changesQuerySchema.parse(event.queryStringParameters ?? {});
      return json(200, await changesSince(deps.changeLog, mailbox.address, query));
    },
    'GET /mailboxes/me/messages/{id}/attachments/{n}': async (event, mailbox) => {
      const { id, n } = attachmentPathSchema.parse(event.pathParameters ?? {});
      return redirect(await attachmentDownload(deps, mailbox, id, n));
    },
    'GET /mailboxes/me/messages/{id}/raw': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      return redirect(await rawDownload(deps, mailbox, id));
    },
    'GET /mailboxes/me/threads/{id}': async (event, mailbox) => {
      const { id } = threadPathSchema.parse(event.pathParameters ?? {});
      const { cursor } = threadQuerySchema.parse(event.queryStringParameters ?? {});
      return json(200, await readThread(deps.store, mailbox, id, cursor));
    },
    'GET /mailboxes/me/search': async (event, mailbox) => {
      const query = searchQuerySchema.parse(event.queryStringParameters ?? {});
      return json(200, await searchMessages(deps.searchIndex, mailbox, query));
    },
  });
}
