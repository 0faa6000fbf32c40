import * as z from '@shared/validation/zod';
import type { BlobStore } from '@shared/blob/blob-store';
import type { DownloadLinks } from '@shared/blob/download-links';
import { pageFields } from '@shared/http/request-schemas';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { routedHandler } from '@shared/http/route-dispatch';
import type { Mailbox } from '@shared/tenancy/model';
import { listMessages } from '@shared/mailbox/list-messages';
import { NoSuchMessageError, readMessage } from '@shared/mailbox/read-message';
import { ownMailbox } from '@shared/mailbox/own-mailbox';
import { callerOf } from '@shared/http/identity';
import type { MailStore } from '@shared/mailbox/mail-store';
import { MESSAGE_ID_PATTERN } from '@shared/mailbox/message-id';
import { FOLDERS } from '@shared/mailbox/model';
import { attachmentDownload, rawDownload } from '@shared/mailbox/download-message';
import type { Download } from '@shared/mailbox/download-link';
import { readThread } from '@shared/mailbox/read-thread';

const listQuerySchema = z.strictObject({
  folder: z._default(z.enum(FOLDERS), 'inbox'),
  ...pageFields,
});

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
  /**
   * Deletes a message for good, giving its bytes back (and its objects, when it was the last
   * reference: shared/mailbox/delete-message); false when there was none.
   */
  purge: (address: string, id: string) => Promise<boolean>;
  blobs: BlobStore;
  links: DownloadLinks;
  attachmentsBucket: string;
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
      return json(200, await listMessages(deps.store, mailbox, query));
    },
    'GET /mailboxes/me/messages/{id}': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      return json(200, await readMessage(deps, mailbox, id));
    },
    'DELETE /mailboxes/me/messages/{id}': async (event, mailbox) => {
      const { id } = messagePathSchema.parse(event.pathParameters ?? {});
      if (!(await deps.purge(mailbox.address, id))) throw new NoSuchMessageError();
      return { statusCode: 204 };
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
  });
}
