import type { BlobStore } from '../blob/blob-store';
import { domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import type { MailStore } from './mail-store';
import type { MessageRecord } from './model';

export class NoSuchMessageError extends domainError(
  'NoSuchMessage',
  'There is no message with that id in your mailbox.',
) {}

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
