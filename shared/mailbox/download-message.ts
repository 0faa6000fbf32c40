import { DomainError, domainError } from '../errors/domain-error';
import type { Mailbox } from '../tenancy/model';
import { NoSuchMessageError, withMovedParts, type MessagePartsDeps } from './read-message';
import { signDownload, type Download, type DownloadLinkDeps } from './download-link';
import type { MailStore } from './mail-store';
import { isWithheld, type MessageRecord } from './model';

export class NoSuchAttachmentError extends domainError(
  'NoSuchAttachment',
  'The message has no attachment with that number.',
) {}

/**
 * Quarantined mail keeps its parts away from the user: a scanner or the policy said no. The
 * verdict decides (isWithheld), not the folder, so no move releases anything.
 */
export class QuarantinedError extends DomainError {
  constructor(what: string) {
    super(
      'AttachmentQuarantined',
      `This message is in Quarantine; its ${what} cannot be downloaded.`,
    );
  }
}

export interface DownloadDeps extends MessagePartsDeps, DownloadLinkDeps {
  store: MailStore;
}

async function quarantineChecked(
  deps: DownloadDeps,
  mailbox: Mailbox,
  id: string,
  what: string,
): Promise<MessageRecord> {
  const record = await deps.store.getMessage(mailbox.address, id);
  if (!record) throw new NoSuchMessageError();
  if (isWithheld(record)) throw new QuarantinedError(what);
  return record;
}

/** A short-lived URL for attachment `n` (1-based) of one of the caller's messages. */
export async function attachmentDownload(
  deps: DownloadDeps,
  mailbox: Mailbox,
  id: string,
  n: number,
): Promise<Download> {
  const record = await quarantineChecked(deps, mailbox, id, 'attachments');
  const numbered = (list: MessageRecord['attachments']) =>
    list.find((a, i) => (a.index ?? i + 1) === n);
  // A long attachment list may have moved off the item (shared/inbound/store-parts).
  const attachment =
    numbered(record.attachments) ??
    (record.bodyKey ? numbered((await withMovedParts(deps, record)).attachments) : undefined);
  if (!attachment?.key) throw new NoSuchAttachmentError();
  return signDownload(
    deps,
    { bucket: deps.attachmentsBucket, key: attachment.key },
    {
      filename: attachment.filename,
      contentType: attachment.contentType || 'application/octet-stream',
      size: attachment.size,
      ...(attachment.sha256 && { sha256: attachment.sha256 }),
    },
  );
}

/** A short-lived URL for the message exactly as it arrived (.eml). */
export async function rawDownload(
  deps: DownloadDeps,
  mailbox: Mailbox,
  id: string,
): Promise<Download> {
  // The raw message holds the attachments too, so quarantine withholds it as well.
  const record = await quarantineChecked(deps, mailbox, id, 'original');
  // A draft (issue 10) has no raw message until it is sent.
  if (!record.raw.key) throw new NoSuchMessageError();
  return signDownload(deps, record.raw, {
    filename: `${record.subject.slice(0, 80) || record.id}.eml`,
    contentType: 'message/rfc822',
    size: record.size,
  });
}
