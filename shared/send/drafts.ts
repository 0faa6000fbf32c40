import { randomBytes } from 'node:crypto';
import type { MailStore } from '../mailbox/mail-store';
import type { MessageRecord } from '../mailbox/model';
import { NoSuchMessageError } from '../mailbox/read-message';
import type { Mailbox } from '../tenancy/model';
import { MailboxFullError, MessageTooLargeError, NoSuchDraftError } from './errors';
import { assertHeaderSafe, parseSingleMailbox } from './header-safety';
import type { SendRequest } from './send-request';

/**
 * A draft's item must stay far below DynamoDB's 400 KB, with the request it keeps: a larger
 * draft is refused (send it, or keep large content as attachments).
 */
export const MAX_DRAFT_BYTES = 256 * 1024;

/** A draft: a message item in the `drafts` folder that keeps the request it will send. */
export interface DraftRecord extends MessageRecord {
  draft: SendRequest;
}

/** The store operations of drafts: quota and folder counters move with the item, atomically. */
export interface DraftStore {
  getDraft(address: string, id: string): Promise<DraftRecord | undefined>;
  /**
   * Creates (`previous` undefined) or replaces a draft, charging the size difference to the
   * quota in the same transaction; false when the quota would be passed, or when the draft to
   * replace is gone or changed meanwhile.
   */
  saveDraft(record: DraftRecord, quotaBytes: number, previous?: DraftRecord): Promise<boolean>;
  /** Deletes the draft and gives its bytes back; false when it was not there. */
  deleteDraft(address: string, id: string): Promise<boolean>;
}

function draftRecord(mailbox: Mailbox, id: string, request: SendRequest, at: Date): DraftRecord {
  // The same checks as sending, so a draft that saves is one that can be sent as written.
  assertHeaderSafe('subject', request.subject);
  const list = (field: string, entries: SendRequest['to']) =>
    entries.map((entry, i) => parseSingleMailbox(`${field}.${i}`, entry));
  const body = request.text ?? '';
  const record: DraftRecord = {
    id,
    mailbox: mailbox.address,
    tenantId: mailbox.tenantId,
    sesMessageId: `draft-${id}`,
    folder: 'drafts',
    receivedAt: at.toISOString(),
    from: { address: mailbox.address, name: mailbox.displayName },
    to: list('to', request.to),
    cc: list('cc', request.cc),
    bcc: list('bcc', request.bcc),
    replyTo: [],
    subject: request.subject,
    snippet: body.replace(/\s+/g, ' ').trim().slice(0, 200),
    size: 0,
    unread: false,
    threadId: id.slice(0, 24),
    hasAttachments: request.attachments.length > 0,
    headers: [],
    ...(request.text !== undefined && { text: request.text }),
    attachments: [],
    verdicts: {},
    // A draft has no raw message until it is sent: nothing is stored under this key.
    raw: { bucket: '', key: '' },
    draft: request,
  };
  record.size = Buffer.byteLength(JSON.stringify(record));
  if (record.size > MAX_DRAFT_BYTES) {
    throw new MessageTooLargeError(`A draft may be at most ${MAX_DRAFT_BYTES} bytes.`);
  }
  return record;
}

/** A draft answers or forwards only a message of the caller's own mailbox. */
async function assertOwnOriginal(
  messages: Pick<MailStore, 'getMessage'>,
  mailbox: Mailbox,
  request: SendRequest,
): Promise<void> {
  const original = request.replyTo ?? request.forwardOf;
  if (original && !(await messages.getMessage(mailbox.address, original))) {
    throw new NoSuchMessageError();
  }
}

export async function createDraft(
  store: DraftStore,
  messages: Pick<MailStore, 'getMessage'>,
  mailbox: Mailbox,
  request: SendRequest,
  now: Date = new Date(),
): Promise<{ id: string }> {
  await assertOwnOriginal(messages, mailbox, request);
  const record = draftRecord(mailbox, randomBytes(16).toString('hex'), request, now);
  if (!(await store.saveDraft(record, mailbox.quotaBytes))) throw new MailboxFullError();
  return { id: record.id };
}

export async function replaceDraft(
  store: DraftStore,
  messages: Pick<MailStore, 'getMessage'>,
  mailbox: Mailbox,
  id: string,
  request: SendRequest,
  now: Date = new Date(),
): Promise<{ id: string }> {
  const previous = await store.getDraft(mailbox.address, id);
  if (!previous) throw new NoSuchDraftError();
  await assertOwnOriginal(messages, mailbox, request);
  const record = draftRecord(mailbox, id, request, now);
  if (!(await store.saveDraft(record, mailbox.quotaBytes, previous))) {
    if (!(await store.getDraft(mailbox.address, id))) throw new NoSuchDraftError();
    throw new MailboxFullError();
  }
  return { id };
}
