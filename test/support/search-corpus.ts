import type { MailStore } from '@shared/mailbox/mail-store';
import { deriveMessageId } from '@shared/mailbox/message-id';
import type { MessageRecord } from '@shared/mailbox/model';
import type { Address } from '@shared/mime/mail-parts';
import { indexTerms, termSetKey } from '@shared/search/index-terms';
import type { SearchIndexStore } from '@shared/search/search-index-store';
import { messageTerms } from '@shared/search/terms';

/** One message of a generated corpus: what search sees of it. */
export interface CorpusMail {
  subject: string;
  from: Address;
  to: Address[];
  cc?: Address[];
  text: string;
  attachmentNames?: string[];
  receivedAt: Date;
  /** Raw size charged to the quota. */
  size?: number;
}

let sequence = 0;

/**
 * Indexes a message as ingest does (store.indexMessage, then indexTerms: the term set and the
 * index's compaction), without SMTP, parsing or S3: how the bench and the search tests fill mailboxes
 * by the thousand. `indexedAt` is the clock the index sees (compaction waits out its grace).
 */
export async function indexCorpusMail(
  store: MailStore,
  searchIndex: SearchIndexStore,
  mailbox: { address: string; tenantId: string; quotaBytes: number },
  mail: CorpusMail,
  indexedAt: Date = new Date(),
): Promise<string> {
  const stored = await storeCorpusMail(store, searchIndex, mailbox, mail, indexedAt);
  await stored.writeTerms(indexedAt);
  return stored.id;
}

/**
 * The message's own transaction only: `writeTerms` is the rest of `indexTerms`, to call when a
 * test wants it (a writer that stalls between the two writes); `redeliver` is a redelivery's.
 */
export async function storeCorpusMail(
  store: MailStore,
  searchIndex: SearchIndexStore,
  mailbox: { address: string; tenantId: string; quotaBytes: number },
  mail: CorpusMail,
  indexedAt: Date,
): Promise<{
  id: string;
  writeTerms: (now: Date) => Promise<void>;
  /** What a redelivery of the message does to the index. */
  redeliver: (now: Date) => Promise<void>;
}> {
  const sesMessageId = `corpus-${process.pid}-${++sequence}`;
  const id = deriveMessageId(sesMessageId, mailbox.address);
  const attachmentNames = mail.attachmentNames ?? [];
  const record: MessageRecord = {
    id,
    mailbox: mailbox.address,
    tenantId: mailbox.tenantId,
    sesMessageId,
    folder: 'inbox',
    verdict: 'clean',
    receivedAt: mail.receivedAt.toISOString(),
    from: mail.from,
    to: mail.to,
    cc: mail.cc ?? [],
    replyTo: [],
    subject: mail.subject,
    snippet: mail.text.slice(0, 200),
    size: mail.size ?? mail.text.length,
    unread: true,
    threadId: id.slice(0, 24),
    hasAttachments: attachmentNames.length > 0,
    headers: [],
    attachments: attachmentNames.map((filename, i) => ({
      filename,
      contentType: 'application/pdf',
      size: 1000,
      index: i + 1,
    })),
    verdicts: {},
    raw: { bucket: 'corpus', key: `inbound/${sesMessageId}` },
  };
  const terms = messageTerms({
    subject: mail.subject,
    from: mail.from,
    to: mail.to,
    cc: mail.cc ?? [],
    attachmentNames,
    text: mail.text,
  });
  const searchKey = termSetKey(indexedAt, id);
  const outcome = await store.indexMessage(record, mailbox.quotaBytes, { searchKey });
  if (outcome !== 'indexed') throw new Error(`corpus mail not indexed: ${outcome}`);
  const message = { address: mailbox.address, id, receivedAt: record.receivedAt, searchKey };
  return {
    id,
    writeTerms: (now) => indexTerms(searchIndex, message, terms, outcome, now),
    redeliver: (now) => indexTerms(searchIndex, message, terms, 'duplicate', now),
  };
}
