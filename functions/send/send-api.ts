import * as z from '@shared/validation/zod';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { callerOf } from '@shared/http/identity';
import { jsonBody } from '@shared/http/json-body';
import { publicBaseUrl } from '@shared/http/public-base-url';
import { routedHandler } from '@shared/http/route-dispatch';
import type { MailStore } from '@shared/mailbox/mail-store';
import { MESSAGE_ID_PATTERN } from '@shared/mailbox/message-id';
import { ownMailbox } from '@shared/mailbox/own-mailbox';
import type { Mailbox } from '@shared/tenancy/model';
import { createDraft, replaceDraft, type DraftStore } from '@shared/send/drafts';
import { NoSuchDraftError } from '@shared/send/errors';
import { sendMessage, tierOf, type SendDeps } from '@shared/send/send-message';
import { createUpload, uploadRequestSchema } from '@shared/send/uploads';
import type { UploadLinks } from '@shared/blob/upload-links';
import { sendRequestSchema } from '@shared/send/send-request';
import { secureTrail, withdrawSecureMessage } from '@shared/send/secure-sender';
import { NoSuchMessageError } from '@shared/mailbox/read-message';
import { pageQuerySchema } from '@shared/http/request-schemas';

/** A draft's or a message's id (both 32 lowercase hex characters). */
const draftPathSchema = z.object({
  id: z.string().check(z.regex(MESSAGE_ID_PATTERN, 'an id is 32 lowercase hex characters')),
});

export interface SendApiDeps extends SendDeps {
  store: SendDeps['store'] & Pick<MailStore, 'getMailbox' | 'markSeen'>;
  drafts: DraftStore;
  links: UploadLinks;
}

/**
 * The send API: compose and send, and drafts, each as the caller from their own mailbox. Its
 * own function (not the mailbox reader's) because it is a different capability with different
 * grants: it writes mail into any hosted mailbox (the ingest pipeline), sends through SES and
 * counts rate limits, which the read-mostly mailbox function must not be able to do.
 */
export function createSendHandler(deps: SendApiDeps) {
  const ownOf = async (event: ApiEvent): Promise<[Mailbox]> => [
    await ownMailbox(deps.store, callerOf(event)),
  ];
  return routedHandler('send', ownOf, {
    'POST /mailboxes/me/send': async (event, mailbox) => {
      const request = sendRequestSchema.parse(jsonBody(event));
      return json(
        202,
        await sendMessage(deps, mailbox, request, { publicBaseUrl: publicBaseUrl(event) }),
      );
    },
    'POST /mailboxes/me/drafts': async (event, mailbox) => {
      const request = sendRequestSchema.parse(jsonBody(event));
      return json(201, await createDraft(deps.drafts, deps.store, mailbox, request));
    },
    'PUT /mailboxes/me/drafts/{id}': async (event, mailbox) => {
      const { id } = draftPathSchema.parse(event.pathParameters ?? {});
      const request = sendRequestSchema.parse(jsonBody(event));
      return json(200, await replaceDraft(deps.drafts, deps.store, mailbox, id, request));
    },
    'POST /mailboxes/me/drafts/{id}/send': async (event, mailbox) => {
      const { id } = draftPathSchema.parse(event.pathParameters ?? {});
      const draft = await deps.drafts.getDraft(mailbox.address, id);
      if (!draft) throw new NoSuchDraftError();
      const sent = await sendMessage(deps, mailbox, sendRequestSchema.parse(draft.draft), {
        publicBaseUrl: publicBaseUrl(event),
      });
      await deps.drafts.deleteDraft(mailbox.address, id);
      return json(202, sent);
    },
    'POST /mailboxes/me/uploads': async (event, mailbox) => {
      const request = uploadRequestSchema.parse(jsonBody(event));
      const tier = tierOf(deps, (await deps.store.getTenant(mailbox.tenantId))?.tier);
      return json(201, await createUpload(deps, mailbox, tier, request));
    },
    'GET /mailboxes/me/messages/{id}/secure': async (event, mailbox) => {
      const { id } = draftPathSchema.parse(event.pathParameters ?? {});
      const page = pageQuerySchema.parse(event.queryStringParameters ?? {});
      if (!deps.secure) throw new NoSuchMessageError();
      return json(200, await secureTrail({ ...deps, secure: deps.secure }, mailbox, id, page));
    },
    'DELETE /mailboxes/me/messages/{id}/secure': async (event, mailbox) => {
      const { id } = draftPathSchema.parse(event.pathParameters ?? {});
      if (!deps.secure || !deps.shares) throw new NoSuchMessageError();
      await withdrawSecureMessage(
        { ...deps, secure: deps.secure, shares: deps.shares },
        mailbox,
        id,
      );
      return { statusCode: 204 };
    },
    'DELETE /mailboxes/me/drafts/{id}': async (event, mailbox) => {
      const { id } = draftPathSchema.parse(event.pathParameters ?? {});
      if (!(await deps.drafts.deleteDraft(mailbox.address, id))) throw new NoSuchDraftError();
      return { statusCode: 204 };
    },
  });
}
