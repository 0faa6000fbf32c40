import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../blob/blob-store';
import { domainOf } from '../address/address';
import { SENT_MAIL_PREFIX } from '../config/resource-names';
import type { TierTable } from '../config/tiers';
import type { MailStore } from '../mailbox/mail-store';
import type { DeliveryStatus } from '../mailbox/model';
import type { Mailer } from '../outbound/mailer';
import type { Mailbox } from '../tenancy/model';
import type { VirusScanner } from '../scan/virus-scanner';
import { indexTerms, termSetKey } from '../search/index-terms';
import { parsedMailTerms } from '../search/parsed-mail-terms';
import type { SearchIndexStore } from '../search/search-index-store';
import { composeMime } from './compose-mime';
import {
  AttachmentUnavailableError,
  MailboxFullError,
  MessageTooLargeError,
  NoRecipientsError,
  RecipientSuppressedError,
  SecureUnavailableError,
  SendLimitError,
  TooManyRecipientsError,
} from './errors';
import { hostedStatus, type HostedDelivery } from './hosted-delivery';
import {
  discardLinks,
  linkAttachments,
  linkedRecord,
  splitAttachments,
  withLinkLines,
  type LinkedAttachment,
  type SendShareDeps,
} from './linked-attachments';
import { deliverOutside } from './outside-delivery';
import { deliverPersonalCopies } from './personal-delivery';
import { checkOutgoing } from './outgoing-checks';
import { prepareMessage } from './prepare-message';
import {
  discardSecure,
  isSecureRequest,
  prepareSecureDelivery,
  sendSecureNotifications,
  type SecureSend,
} from './secure-delivery';
import type { SecureMessageStore } from './secure-store';
import { buildSentCopy, sentCopyId } from './sent-copy';
import type { SendRequest } from './send-request';
import type { SendStateStore } from './send-state';
import type { UploadStore } from './uploads';

/** SES v2 SendEmail takes at most 50 recipients per call; a message to more is split. */
export const SES_MAX_RECIPIENTS_PER_CALL = 50;

export interface SendDeps {
  store: Pick<MailStore, 'getMessage' | 'indexMessage' | 'findTenantIdByDomain' | 'getTenant'>;
  blobs: BlobStore;
  rawMailBucket: string;
  attachmentsBucket: string;
  tiers: TierTable;
  /** Hosted recipients: the ingest pipeline (hosted-delivery). */
  hosted: HostedDelivery;
  /** Everyone else: SES v2 with the configuration set (locally, the SES stand-in). */
  outbound: Mailer;
  state: SendStateStore;
  uploads: UploadStore;
  /** ClamAV, when configured: outgoing mail is scanned as incoming mail is. */
  scanner?: VirusScanner;
  /** The large-file share (issue 9): `{ shareId }` attachments and too-large ones go as links. */
  shares?: SendShareDeps;
  /** The search index: the Sent copy is searchable like received mail (issue 11). */
  searchIndex?: SearchIndexStore;
  /** [secure] delivery's records (with `shares`, which carries its files). */
  secure?: SecureMessageStore;
  now?: () => Date;
}

/** What a send needs of the request it came with. */
export interface SendContext {
  /** Where the public share page is served (the API's own origin), for links in the body. */
  publicBaseUrl?: string;
}

export interface SendResult {
  /** The Sent copy's id in the caller's mailbox. */
  id: string;
  messageId: string;
  recipients: { address: string; status: DeliveryStatus['status']; detail?: string }[];
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The sender's tenant's tier; a tenant with no tier set is commodity. */
export function tierOf(deps: Pick<SendDeps, 'tiers'>, tier: string | undefined) {
  return deps.tiers[tier === 'premium' ? 'premium' : 'commodity'];
}

/**
 * Sends a message as the caller, in this order, so that a refusal changes nothing: check and
 * resolve the request (400), recipients against the tier (400) and the tenant's suppressions
 * (409), compose with MailComposer and check the size (413), count it against the rate limits
 * (429), store the raw bytes, index the Sent copy charged to the quota in one transaction (409
 * MailboxFull: nothing sent). Only then deliver: hosted recipients through ingest, the others
 * through SES in calls of at most 50, each recipient's status recorded on the Sent copy, and
 * the original of a reply or forward flagged.
 */
export async function sendMessage(
  deps: SendDeps,
  mailbox: Mailbox,
  request: SendRequest,
  context: SendContext = {},
): Promise<SendResult> {
  const now = deps.now?.() ?? new Date();
  const prepared = await prepareMessage(deps, mailbox, request);
  const { recipients } = prepared;
  if (recipients.length === 0) throw new NoRecipientsError();
  const tenant = await deps.store.getTenant(mailbox.tenantId);
  const tier = tierOf(deps, tenant?.tier);
  if (recipients.length > tier.maxRecipientsPerMessage) {
    throw new TooManyRecipientsError(
      `A message may have at most ${tier.maxRecipientsPerMessage} recipients (To, Cc and Bcc).`,
    );
  }
  const hostedTenants = await Promise.all(
    recipients.map((r) => deps.store.findTenantIdByDomain(domainOf(r))),
  );
  const hosted = recipients.filter((_, i) => hostedTenants[i] !== undefined);
  const external = recipients.filter((_, i) => hostedTenants[i] === undefined);
  const suppressed = await deps.state.suppressedAmong(mailbox.tenantId, external);
  if (suppressed.length > 0) {
    throw new RecipientSuppressedError(
      `Mail to ${suppressed.join(', ')} is suppressed after a hard bounce or complaint; a tenant admin can lift it.`,
    );
  }
  const sendId = randomBytes(16).toString('hex');
  const messageId = `<${sendId}@${domainOf(mailbox.address)}>`;
  // Attachments too large to carry, and shares, go as links (linked-attachments); without the
  // share (no deps), everything is attached and the size check below answers.
  const linking = deps.shares && context.publicBaseUrl ? deps.shares : undefined;
  if (!linking && prepared.shares.length > 0) {
    throw new AttachmentUnavailableError('attachments: shares cannot be attached here.');
  }
  // [secure]: outsiders get a personal link to a page, never the message (secure-delivery).
  // The subject as it leaves: a reply or forward with none takes the original's "[secure]".
  const secureAsked =
    isSecureRequest({ secure: request.secure, subject: prepared.subject }) && external.length > 0;
  const secureStore = secureAsked ? deps.secure : undefined;
  if (secureAsked && !(secureStore && linking)) {
    throw new SecureUnavailableError();
  }
  const bodyBytes = Buffer.byteLength(prepared.text ?? '') + Buffer.byteLength(prepared.html ?? '');
  const { attached, tooLarge } = linking
    ? splitAttachments(prepared.attachments, bodyBytes, tier)
    : { attached: prepared.attachments, tooLarge: [] };
  const toLink = [
    ...prepared.shares.map((share) => ({ name: share.name, size: share.size })),
    ...tooLarge.map((file) => ({ name: file.filename, size: file.content.byteLength })),
  ];
  // The sender's version: what the Sent copy keeps; recipients' differ only by their own link.
  const base = { ...prepared, attachments: attached, messageId, date: now };
  const raw = await composeMime(withLinkLines(base, toLink));
  if (raw.byteLength > tier.maxMessageBytes) {
    throw new MessageTooLargeError(
      `The message is ${raw.byteLength} bytes; the most is ${tier.maxMessageBytes}.`,
    );
  }
  const parsed = await checkOutgoing(raw, deps.scanner, tenant?.attachmentPolicy);
  if (mailbox.usedBytes + raw.byteLength > mailbox.quotaBytes) throw new MailboxFullError();
  // Who the share pages and the secure page say sent it (copied from the directory now).
  const sender = {
    name: mailbox.displayName,
    address: mailbox.address,
    organisation: tenant?.name ?? mailbox.tenantId,
  };
  let linked: LinkedAttachment[] = [];
  if (linking && toLink.length > 0) {
    linked = await linkAttachments(linking, {
      mailbox,
      sender,
      tier,
      tooLarge,
      shares: prepared.shares,
      recipients,
      publicBaseUrl: context.publicBaseUrl ?? '',
      now,
    });
  }
  let secure: SecureSend | undefined;
  const secureDeps = secureStore &&
    linking && { store: secureStore, blobs: deps.blobs, shares: linking };
  if (secureDeps) {
    try {
      secure = await prepareSecureDelivery(secureDeps, {
        sendId,
        mailbox,
        sender,
        tier,
        message: prepared,
        attachments: attached,
        linked,
        outsiders: external,
        sentCopyId: sentCopyId(sendId, mailbox.address),
        messageIdHeader: messageId,
        publicBaseUrl: context.publicBaseUrl ?? '',
        now,
      });
    } catch (error) {
      if (linking) await discardLinks(linking, linked, mailbox.address);
      throw error;
    }
  }
  const undo = async () => {
    if (secureDeps && secure) await discardSecure(secureDeps, secure, mailbox.address);
    if (linking) await discardLinks(linking, linked, mailbox.address);
  };
  const refusal = await deps.state.consumeAllowance(mailbox.address, recipients.length, tier, now);
  if (refusal) {
    await undo();
    throw new SendLimitError(
      refusal.limit === 'messages-per-minute'
        ? `At most ${tier.messagesPerMinute} messages a minute.`
        : `At most ${tier.recipientsPerDay} recipients a day.`,
      refusal.retryAfterSeconds,
    );
  }

  const rawObject = { bucket: deps.rawMailBucket, key: `${SENT_MAIL_PREFIX}${sendId}.eml` };
  await deps.blobs.put(rawObject.bucket, rawObject.key, raw, 'message/rfc822');
  const at = now.toISOString();
  const pending: Record<string, DeliveryStatus> = Object.fromEntries(
    recipients.map((r) => [r, { status: 'sent', at }]),
  );
  // A Sent copy that cannot be built (one item cannot hold it) leaves nothing of the send's.
  const record = await buildSentCopy(deps, {
    sendId,
    mailbox,
    raw,
    parsed,
    objects: { raw: rawObject, partCount: 0 },
    bcc: prepared.bcc,
    delivery: pending,
    at: now,
    ...(linked.length > 0 && { linkedAttachments: linkedRecord(linked) }),
    ...(secure && { secure: { id: secure.secureId, recipients: external } }),
  }).catch(async (error: unknown) => {
    await deps.blobs.delete(rawObject.bucket, [rawObject.key]);
    await undo();
    throw error;
  });
  const objects = { raw: rawObject, partCount: record.attachments.length };
  const terms = deps.searchIndex && parsedMailTerms(parsed);
  const searchKey = terms && termSetKey(now, record.id);
  const outcome = await deps.store.indexMessage(record, mailbox.quotaBytes, {
    objects,
    ...(searchKey && { searchKey }),
  });
  if (outcome === 'over-quota') {
    await deps.blobs.delete(rawObject.bucket, [rawObject.key]);
    await undo();
    throw new MailboxFullError();
  }
  if (deps.searchIndex && terms && searchKey) {
    const message = {
      address: mailbox.address,
      id: record.id,
      receivedAt: record.receivedAt,
      searchKey,
    };
    await indexTerms(deps.searchIndex, message, terms, outcome, now);
  }

  const statuses: Record<string, DeliveryStatus> = {};
  const outboundIds: string[] = [];
  const copy = { mailbox: mailbox.address, id: record.id, tenantId: mailbox.tenantId };
  const deliveries = {
    copy: { ...copy, messageIdHeader: messageId },
    at: now,
    statuses,
    outboundIds,
  };
  // Outsiders of a secure message get only their notification (sent below), never the message.
  const outsiders = secure ? [] : external;
  if (linked.length > 0) {
    // Each recipient's own link is in their copy: one message each (personal-delivery).
    const copies = { sendId, mailbox, base, linked, hosted, external: outsiders };
    await deliverPersonalCopies(deps, copies, deliveries);
  }
  if (linked.length === 0 && hosted.length > 0) {
    const outcomes = await deps.hosted({
      sesMessageId: sendId,
      from: mailbox.address,
      recipients: hosted,
      raw: rawObject,
      at: now,
    });
    for (const o of outcomes) statuses[o.recipient] = hostedStatus(o, now);
  }
  for (const batch of linked.length > 0 ? [] : chunks(outsiders, SES_MAX_RECIPIENTS_PER_CALL)) {
    await deliverOutside(deps, { from: mailbox.address, to: batch, raw }, deliveries);
  }
  if (secureDeps && secure) {
    await sendSecureNotifications(deps, secureDeps.store, secure, mailbox.address, deliveries);
  }
  await deps.state.setDelivery({ mailbox: mailbox.address, id: record.id }, statuses, outboundIds);
  if (prepared.original) {
    await deps.state.flag(mailbox.address, prepared.original.id, prepared.original.flag);
  }
  return {
    id: record.id,
    messageId,
    recipients: recipients.map((address) => {
      const s: DeliveryStatus = statuses[address] ?? { status: 'sent', at };
      return { address, status: s.status, ...(s.detail && { detail: s.detail }) };
    }),
  };
}
