import type { BlobStore } from '../blob/blob-store';
import type { IndexOutcome, MailStore } from '../mailbox/mail-store';
import { deriveMessageId, normaliseAddress } from '../mailbox/message-id';
import type { MessageRecord, Verdicts } from '../mailbox/model';
import { deriveThreadId } from '../mailbox/thread-id';
import { parseMessage, type ParsedMail } from '../mime/parse-message';
import { noticeQuotaThresholds, type QuotaNoticeStore } from '../quota/quota-notices';
import { resolveAttachmentPolicy } from '../scan/attachment-policy';
import { scanAttachments, scanContent } from '../scan/scan-message';
import { folderFor, reportOf, type Finding } from '../scan/verdict';
import type { VirusScanner } from '../scan/virus-scanner';
import { bounce, type BounceDeps, type BounceResult } from './bounce-recipient';
import { decideRecipient } from './recipient-decision';
import type { SesReceiptNotification } from './ses-notification';
import { placeBody, storeAttachments } from './store-parts';

export { INLINE_BODY_BYTES } from './store-parts';
export const SNIPPET_LENGTH = 200;

export interface IngestDeps extends BounceDeps {
  store: MailStore;
  blobs: BlobStore;
  attachmentsBucket: string;
  /** Used on every message when configured (ClamAV); our own checks run regardless. */
  scanner?: VirusScanner;
  /** Quota threshold markers; without it, no 80/90/100 % notices are sent. */
  notices?: QuotaNoticeStore;
}

export interface RecipientOutcome {
  recipient: string;
  outcome: IndexOutcome | 'not-hosted';
  messageId?: string;
  folder?: MessageRecord['folder'];
  bounce?: BounceResult;
}

function snippetOf(mail: ParsedMail): string {
  const source = mail.text ?? mail.html?.replace(/<[^>]*>/g, ' ') ?? '';
  return source.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
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

/**
 * Indexes one received message for each hosted envelope recipient: parse (never throws), store
 * the parts, scan, then per recipient decide, index (message, quota and counters in one
 * transaction) or bounce. Idempotent: a redelivered notification finds every item and bounce
 * marker already there and changes nothing; anything that fails throws, so it is retried.
 */
export async function ingestMessage(
  notification: SesReceiptNotification,
  deps: IngestDeps,
): Promise<RecipientOutcome[]> {
  const { mail, receipt } = notification;
  const raw = await deps.blobs.get(receipt.action.bucketName, receipt.action.objectKey);
  const parsed = await parseMessage(raw);
  const body = await placeBody(parsed, mail.messageId, deps);
  const attachments = await storeAttachments(parsed, mail.messageId, deps);
  const contentFindings = await scanContent(notification, raw, parsed, deps.scanner);
  const threadId = deriveThreadId(parsed);
  const verdicts = verdictsOf(notification);
  const policyFindings = new Map<string, Finding[]>();
  const findingsFor = async (tenantId: string): Promise<Finding[]> => {
    let found = policyFindings.get(tenantId);
    if (!found) {
      const tenant = await deps.store.getTenant(tenantId);
      found = scanAttachments(parsed, resolveAttachmentPolicy(tenant?.attachmentPolicy));
      policyFindings.set(tenantId, found);
    }
    return [...contentFindings, ...found];
  };
  // No bounce for what we judge spam or a virus: its sender is most likely forged.
  const suppress = ['spam', 'virus'].includes(reportOf(contentFindings).verdict);

  const outcomes: RecipientOutcome[] = [];
  for (const recipient of envelopeRecipients(notification)) {
    const decision = await decideRecipient(deps.store, recipient, deps.now?.());
    if (decision.kind === 'not-hosted') {
      outcomes.push({ recipient, outcome: 'not-hosted' });
      continue;
    }
    if (decision.kind === 'bounce') {
      const sent = await bounce(deps, notification, raw, recipient, decision.reason, { suppress });
      outcomes.push({ recipient, outcome: 'no-mailbox', bounce: sent });
      continue;
    }
    const { mailbox } = decision;
    const scan = reportOf(await findingsFor(mailbox.tenantId));
    const id = deriveMessageId(mail.messageId, recipient);
    const record: MessageRecord = {
      id,
      mailbox: recipient,
      tenantId: mailbox.tenantId,
      sesMessageId: mail.messageId,
      folder: folderFor(scan),
      verdict: scan.verdict,
      scan,
      receivedAt: receipt.timestamp,
      ...(parsed.from && { from: parsed.from }),
      to: parsed.to,
      cc: parsed.cc,
      replyTo: parsed.replyTo,
      subject: parsed.subject,
      snippet: snippetOf(parsed),
      size: raw.byteLength,
      unread: true,
      threadId,
      hasAttachments: parsed.attachments.some((a) => a.disposition === 'attachment'),
      ...(parsed.messageId && { messageIdHeader: parsed.messageId }),
      ...(parsed.date && { date: parsed.date }),
      headers: parsed.headers,
      ...body,
      ...(!parsed.parsed && { unparsed: { reason: parsed.unparsedReason ?? 'unknown' } }),
      attachments,
      verdicts,
      raw: { bucket: receipt.action.bucketName, key: receipt.action.objectKey },
    };
    const outcome = await deps.store.indexMessage(record, mailbox.quotaBytes);
    // The owner hears of 80/90/100 % once per crossing (shared/quota/quota-notices).
    if (deps.notices) {
      await noticeQuotaThresholds(
        { ...deps, notices: deps.notices },
        recipient,
        outcome,
        deps.now?.(),
      );
    }
    const result: RecipientOutcome = { recipient, outcome, messageId: id, folder: record.folder };
    if (outcome === 'over-quota') {
      result.bounce = await bounce(deps, notification, raw, recipient, 'over-quota', { suppress });
    }
    outcomes.push(result);
  }
  return outcomes;
}
