import type { BlobStore } from '../blob/blob-store';
import { domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import { LINKED_BODY_TYPES, signDownload, type DownloadLinkDeps } from './download-link';
import type { MailStore } from './mail-store';
import { HTML_POLICY_VERSION, type MessageRecord } from './model';

export class NoSuchMessageError extends domainError(
  'NoSuchMessage',
  'There is no message with that id in your mailbox.',
) {}

/**
 * Bodies too large to answer inline (LINKED_BODY_BYTES, shared/inbound/store-parts) are answered
 * as short-lived presigned URLs instead of `text` / `html`: a Lambda response is capped at 6 MB.
 */
export interface BodyLinks {
  textUrl?: string;
  htmlUrl?: string;
  bodyUrlsExpireAt?: string;
}

/** What the API shows of a message: everything but where we keep it. */
export type MessageView = Omit<
  MessageRecord,
  'mailbox' | 'tenantId' | 'sesMessageId' | 'raw' | 'bodyKey' | 'textKey' | 'htmlKey' | 'htmlPolicy'
> &
  BodyLinks;

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

async function bodyLinks(
  deps: MessagePartsDeps & DownloadLinkDeps,
  record: MessageRecord,
): Promise<BodyLinks> {
  const links: BodyLinks = {};
  for (const part of ['text', 'html'] as const) {
    const key = part === 'text' ? record.textKey : record.htmlKey;
    if (!key) continue;
    const { contentType, extension } = LINKED_BODY_TYPES[part];
    const download = await signDownload(
      deps,
      { bucket: deps.attachmentsBucket, key },
      { filename: `${record.id}.${extension}`, contentType },
    );
    links[part === 'text' ? 'textUrl' : 'htmlUrl'] = download.url;
    links.bodyUrlsExpireAt = download.expiresAt;
  }
  return links;
}

/**
 * HTML is only ever returned as ingest sanitised it (shared/mime/sanitise-html). A body stored
 * before that, or under an older policy, is left out; the text body and the raw message remain.
 */
function withoutUncleanHtml(record: MessageRecord): MessageRecord {
  if (record.htmlPolicy === HTML_POLICY_VERSION) return record;
  const { html: _html, htmlKey: _htmlKey, ...rest } = record;
  return rest;
}

export async function readMessage(
  deps: { store: MailStore } & MessagePartsDeps & DownloadLinkDeps,
  mailbox: Mailbox,
  id: string,
): Promise<MessageView> {
  const stored = await deps.store.getMessage(mailbox.address, id);
  if (!stored) throw new NoSuchMessageError();
  const record = withoutUncleanHtml(await withMovedParts(deps, stored));
  const {
    mailbox: _m,
    tenantId: _t,
    sesMessageId: _s,
    raw: _r,
    bodyKey: _b,
    textKey: _tk,
    htmlKey: _hk,
    htmlPolicy: _hp,
    ...view
  } = record;
  return { ...view, ...(await bodyLinks(deps, record)) };
}
