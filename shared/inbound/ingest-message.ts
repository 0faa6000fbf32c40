import { NoSuchObjectError, type BlobStore } from '../blob/blob-store';
import { normaliseAddress } from '../address/address';
import type { IndexOutcome, MailStore } from '../mailbox/mail-store';
import { deriveMessageId } from '../mailbox/message-id';
import { HTML_POLICY_VERSION, type MessageRecord, type Verdicts } from '../mailbox/model';
import {
  purgeStoredObjects,
  type StoredMessageStore,
  type StoredObjects,
} from '../mailbox/stored-objects';
import { deriveThreadId, threadRootOf, type ThreadAliases } from '../mailbox/thread-id';
import { htmlToSnippetText } from '../mime/html-text';
import { parseMessage, type ParsedMail } from '../mime/parse-message';
import { sanitiseHtml } from '../mime/sanitise-html';
import { noticeQuotaThresholds, type QuotaNoticeStore } from '../quota/quota-notices';
import { resolveAttachmentPolicy } from '../scan/attachment-policy';
import { scanAttachments, scanContent, scanUnparsedAttachments } from '../scan/scan-message';
import { sesFindings } from '../scan/ses-verdicts';
import { findAttachmentMarkers } from '../scan/unparsed-attachments';
import { folderFor, recordedReport, reportOf, type Finding } from '../scan/verdict';
import type { VirusScanner } from '../scan/virus-scanner';
import { bounce, REFUSAL_FOR, type BounceDeps, type BounceResult } from './bounce-recipient';
import { decideRecipient } from './recipient-decision';
import { refusalOf, type RefusalReason } from './refusals';
import { evidenceOf, senderAuthenticatedBy } from './sender-authentication';
import type { SesReceiptNotification } from './ses-notification';
import type { BounceReason } from '../outbound/dsn-bounce';
import { assertItemFits, STRING_BYTE_LIMITS } from './item-bounds';
import { lastResortFinding, unprocessedMail } from './last-resort';
import { placeMessageParts, storeAttachments } from './store-parts';
import { truncateUtf8 } from '../mime/truncate-utf8';
import { indexTerms, termSetKey } from '../search/index-terms';
import type { SearchIndexStore } from '../search/search-index-store';
import { parsedMailTerms } from '../search/parsed-mail-terms';

export { INLINE_BODY_BYTES, ITEM_LIMITS } from './store-parts';
export const SNIPPET_LENGTH = 200;

export interface IngestDeps extends BounceDeps {
  store: MailStore;
  blobs: BlobStore;
  attachmentsBucket: string;
  /** Used on every message when configured (ClamAV); our own checks run regardless. */
  scanner?: VirusScanner;
  /** Reference counts of received messages' objects: the last reference purges them. */
  storedMessages: StoredMessageStore;
  /** Quota threshold markers; without it, no 80/90/100 % notices are sent. */
  notices?: QuotaNoticeStore;
  /** The search index, kept in shape after each message; without it, mail is not searchable. */
  searchIndex?: SearchIndexStore;
  /** SES's Message-IDs of sent mail (issue 10), so that replies from outside thread. */
  threadAliases?: ThreadAliases;
}

export interface RecipientOutcome {
  recipient: string;
  outcome: IndexOutcome | 'not-hosted';
  messageId?: string;
  folder?: MessageRecord['folder'];
  bounce?: BounceResult;
  /** Recorded as refused (shared/inbound/refusals): neither indexed nor bounced. */
  refused?: RefusalReason;
}

/** Text read for a snippet at most: whitespace runs aside, the snippet is in its first part. */
const SNIPPET_SOURCE_CHARS = SNIPPET_LENGTH * 64;

/** The first words of the message, from its text, or from its HTML by a linear scan. */
export function snippetOf(mail: ParsedMail): string {
  if (mail.text === undefined) return htmlToSnippetText(mail.html ?? '', SNIPPET_LENGTH);
  return mail.text
    .slice(0, SNIPPET_SOURCE_CHARS)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SNIPPET_LENGTH);
}

function verdictsOf(notification: SesReceiptNotification): Verdicts {
  const { receipt } = notification;
  return {
    ...(receipt.spamVerdict && { spam: receipt.spamVerdict.status }),
    ...(receipt.virusVerdict && { virus: receipt.virusVerdict.status }),
    ...(receipt.spfVerdict && { spf: receipt.spfVerdict.status }),
    ...(receipt.dkimVerdict && { dkim: receipt.dkimVerdict.status }),
    ...(receipt.dmarcVerdict && { dmarc: receipt.dmarcVerdict.status }),
  };
}

/** The envelope recipients (RCPT TO), de-duplicated; never the To header. */
export function envelopeRecipients(notification: SesReceiptNotification): string[] {
  return [...new Set(notification.receipt.recipients.map(normaliseAddress))];
}

export interface IngestOptions {
  /**
   * Set on the last delivery SQS makes before parking (shared/inbound/last-resort): the message
   * is not parsed or scanned again but indexed `unparsed` and quarantined, raw kept, `reason`
   * stored, so nothing accepted leaves the system unaccounted for.
   */
  lastResort?: { reason: string };
}

/** A recipient that gets a bounce, sent once every deliverable recipient is indexed. */
interface PendingBounce {
  result: RecipientOutcome;
  reason: BounceReason;
}

/**
 * Indexes one received message for each hosted envelope recipient: parse (never throws), store
 * the parts, scan, then per recipient decide and index (message, quota and counters in one
 * transaction). Every envelope recipient ends indexed (its folder says whether quarantined),
 * bounced, or recorded as refused with a reason (a domain no tenant holds, or a bounce not sent:
 * no sender, spam, an unauthenticated sender, refused by the mailer). Bounces come last, once
 * every deliverable recipient has the message, so a bounce that cannot be sent never keeps the
 * mail from the others: one refused for good is recorded as refused (`not-sent`); one that may
 * succeed later throws (after the other bounces were tried), and the retry finds every item
 * indexed and only re-attempts that bounce. Idempotent: a redelivered notification finds every
 * item, bounce marker and refusal already there and changes nothing; anything that fails
 * throws, so it is retried. Once every recipient is dealt with, the message's objects are purged
 * if no item refers to them (every recipient bounced or refused, or already deleted it); a
 * redelivery after that finds them gone and stops.
 */
export async function ingestMessage(
  notification: SesReceiptNotification,
  deps: IngestDeps,
  options: IngestOptions = {},
): Promise<RecipientOutcome[]> {
  const { mail, receipt } = notification;
  const raw = await readRaw(notification, deps);
  if (!raw) {
    // Purged: this notification was handled in full before, and nobody holds the message now.
    return envelopeRecipients(notification).map((recipient) => ({
      recipient,
      outcome: 'duplicate',
    }));
  }
  const { lastResort } = options;
  // The last resort parses and scans nothing of the message: what failed before is not tried again.
  const parsed = lastResort
    ? unprocessedMail(notification, lastResort.reason)
    : await parseMessage(raw);
  const attachments = await storeAttachments(parsed, mail.messageId, deps);
  const objects: StoredObjects = {
    raw: { bucket: receipt.action.bucketName, key: receipt.action.objectKey },
    partCount: attachments.length,
  };
  // Sanitised once, at ingest, for every recipient and for a linked large body alike; the scan
  // below still sees the HTML as sent, and the raw message keeps it.
  const shown = parsed.html ? { ...parsed, html: sanitiseHtml(parsed.html) } : parsed;
  const parts = await placeMessageParts(shown, attachments, mail.messageId, deps);
  const contentFindings = lastResort
    ? [...sesFindings(notification), lastResortFinding(lastResort.reason)]
    : await scanContent(notification, raw, parsed, deps.scanner);
  // Unparsed mail has no decoded attachments: the policy looks at what its raw bytes announce.
  const markers = parsed.parsed || lastResort ? undefined : findAttachmentMarkers(raw);
  // The same words for every recipient; each recipient's index gets its own term set.
  const terms = deps.searchIndex && parsedMailTerms(parsed);
  // A reply to mail sesame sent through SES names SES's Message-ID: thread it with the original.
  const root = threadRootOf(parsed);
  const aliased = root && deps.threadAliases ? await deps.threadAliases.rootFor(root) : undefined;
  const threadId = deriveThreadId(parsed, aliased);
  const verdicts = verdictsOf(notification);
  const policyFindings = new Map<string, Finding[]>();
  const findingsFor = async (tenantId: string): Promise<Finding[]> => {
    let found = policyFindings.get(tenantId);
    if (!found) {
      const tenant = await deps.store.getTenant(tenantId);
      const policy = resolveAttachmentPolicy(tenant?.attachmentPolicy);
      found = markers ? scanUnparsedAttachments(markers, policy) : scanAttachments(parsed, policy);
      policyFindings.set(tenantId, found);
    }
    return [...contentFindings, ...found];
  };
  // No bounce for what we judge spam or a virus: its sender is most likely forged.
  const suppress = ['spam', 'virus'].includes(reportOf(contentFindings).verdict);
  // Nor to a sender nothing vouches for: a forged MAIL FROM would get the bounce.
  const authenticated = senderAuthenticatedBy(notification, evidenceOf(parsed)) !== undefined;

  const outcomes: RecipientOutcome[] = [];
  const bounces: PendingBounce[] = [];
  for (const recipient of envelopeRecipients(notification)) {
    const decision = await decideRecipient(deps.store, recipient, deps.now?.());
    if (decision.kind === 'not-hosted') {
      await deps.refusals.record(refusalOf(notification, recipient, 'not-hosted'));
      outcomes.push({ recipient, outcome: 'not-hosted', refused: 'not-hosted' });
      continue;
    }
    if (decision.kind === 'bounce') {
      const result: RecipientOutcome = { recipient, outcome: 'no-mailbox' };
      outcomes.push(result);
      bounces.push({ result, reason: decision.reason });
      continue;
    }
    const { mailbox } = decision;
    const scan = reportOf(await findingsFor(mailbox.tenantId));
    const id = deriveMessageId(mail.messageId, recipient);
    const folder = folderFor(scan);
    const record: MessageRecord = {
      id,
      mailbox: recipient,
      tenantId: mailbox.tenantId,
      sesMessageId: mail.messageId,
      folder,
      // The verdict travels with the message: moving it never releases its parts.
      ...(folder === 'quarantine' && { quarantined: true }),
      verdict: scan.verdict,
      scan: recordedReport(scan),
      receivedAt: receipt.timestamp,
      snippet: snippetOf(shown),
      size: raw.byteLength,
      unread: true,
      threadId,
      hasAttachments: markers
        ? markers.found
        : parsed.attachments.some((a) => a.disposition === 'attachment'),
      ...(parsed.messageId && {
        messageIdHeader: truncateUtf8(parsed.messageId, STRING_BYTE_LIMITS.messageIdHeader),
      }),
      ...(parsed.date && { date: truncateUtf8(parsed.date, STRING_BYTE_LIMITS.date) }),
      ...parts,
      ...(shown.html !== undefined && { htmlPolicy: HTML_POLICY_VERSION }),
      ...(!parsed.parsed && {
        unparsed: {
          reason: truncateUtf8(
            parsed.unparsedReason ?? 'unknown',
            STRING_BYTE_LIMITS.unparsedReason,
          ),
        },
      }),
      verdicts,
      raw: objects.raw,
    };
    assertItemFits(record);
    const indexedAt = deps.now?.() ?? new Date();
    const searchKey = terms && termSetKey(indexedAt, id);
    const outcome = await deps.store.indexMessage(record, mailbox.quotaBytes, {
      objects,
      ...(searchKey && { searchKey }),
    });
    // The owner hears of 80/90/100 % once per crossing (shared/quota/quota-notices).
    if (deps.notices) {
      await noticeQuotaThresholds(
        { ...deps, notices: deps.notices },
        recipient,
        outcome,
        deps.now?.(),
      );
    }
    // After the quota notices, which read the usage this message changed: the sooner the better.
    if (deps.searchIndex && terms && searchKey) {
      const message = { address: recipient, id, receivedAt: record.receivedAt, searchKey };
      await indexTerms(deps.searchIndex, message, terms, outcome, indexedAt);
    }
    const result: RecipientOutcome = { recipient, outcome, messageId: id, folder: record.folder };
    outcomes.push(result);
    if (outcome === 'over-quota') bounces.push({ result, reason: 'over-quota' });
  }

  const retryable: unknown[] = [];
  for (const { result, reason } of bounces) {
    try {
      result.bounce = await bounce(deps, notification, raw, result.recipient, reason, {
        suppress,
        authenticated,
      });
      if (result.bounce !== 'sent' && result.bounce !== 'already-sent') {
        result.refused = REFUSAL_FOR[result.bounce];
      }
    } catch (error) {
      retryable.push(error);
    }
  }
  if (retryable.length > 0) throw retryable[0];
  const now = deps.now?.() ?? new Date();
  const purge = await deps.storedMessages.completeDelivery(mail.messageId, objects, now);
  if (purge) await purgeStoredObjects(deps, purge, now);
  return outcomes;
}

/** The raw message; undefined when it is gone because the message was purged. */
async function readRaw(
  notification: SesReceiptNotification,
  deps: IngestDeps,
): Promise<Uint8Array | undefined> {
  const { bucketName, objectKey } = notification.receipt.action;
  try {
    return await deps.blobs.get(bucketName, objectKey);
  } catch (error) {
    if (!(error instanceof NoSuchObjectError)) throw error;
    if (await deps.storedMessages.purgeStateOf(notification.mail.messageId)) return undefined;
    throw error;
  }
}
