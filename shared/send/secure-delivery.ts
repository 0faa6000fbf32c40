import type { BlobStore } from '../blob/blob-store';
import { domainOf } from '../address/address';
import { SECURE_MESSAGE_PREFIX } from '../config/resource-names';
import type { TierLimits } from '../config/tiers';
import { sanitiseHtml } from '../mime/sanitise-html';
import type { Sender } from '../share/link-model';
import { hashLinkToken, newLinkToken } from '../share/link-token';
import type { Mailbox } from '../tenancy/model';
import { logger } from '../log/logger';
import { composeMime, type ComposedAttachment } from './compose-mime';
import type { ParsedMailbox } from './header-safety';
import {
  discardLinks,
  linkAttachments,
  readableSize,
  type LinkedAttachment,
  type SendShareDeps,
} from './linked-attachments';
import {
  SECURE_SUBJECT_TAG,
  type SecureAttachment,
  type SecureContent,
  type SecureRecipient,
} from './secure-model';
import type { SecureMessageStore } from './secure-store';
import type { SendDeps } from './send-message';
import { deliverOutside, type OutsideDeliveries } from './outside-delivery';

const DAY_MS = 86_400_000;

/** What sending needs for [secure] delivery: the records, the content object, the share. */
export interface SecureSendDeps {
  store: SecureMessageStore;
  blobs: BlobStore;
  shares: SendShareDeps;
}

/** Where a secure message's page content is kept, in the share bucket. */
export const secureContentKey = (tenantId: string, secureId: string) =>
  `${SECURE_MESSAGE_PREFIX}${tenantId}/${secureId}.json`;

/** Secure when asked for, or when the subject carries `[secure]` (as NHSmail users are taught). */
export function isSecureRequest(request: { secure?: boolean | undefined; subject: string }) {
  return request.secure === true || SECURE_SUBJECT_TAG.test(request.subject);
}

/** What a secure send made before anything left: undone by discardSecure if it is refused. */
export interface SecureSend {
  secureId: string;
  contentKey: string;
  records: SecureRecipient[];
  /** Each outsider's notification mail (no content of the message in it). */
  notifications: { recipient: string; raw: Buffer }[];
  /** Shares made of the attachments carried inline for everyone else. */
  ownLinked: LinkedAttachment[];
}

const display = (m: ParsedMailbox) => (m.name ? `${m.name} <${m.address}>` : m.address);

/** The token of a link we just made, read back from its URL (`…/s/<token>`), as its hash. */
const linkTokenHash = (url: string) => hashLinkToken(url.slice(url.lastIndexOf('/') + 1));

function notificationText(sender: Sender, url: string, expiresAt: string): string {
  return [
    `${sender.name} <${sender.address}> of ${sender.organisation} has sent you a secure message.`,
    '',
    'The message is not in this email. To read it, open this link, which is for you alone:',
    url,
    '',
    'We will email a one-time code to this address, to check it is you. With it you can read',
    'the message, download its files (each checked for viruses first) and reply once.',
    `The link works until ${expiresAt.slice(0, 10)}.`,
    '',
    'If you did not expect this message, you can ignore it.',
  ].join('\n');
}

/**
 * Prepares [secure] delivery to the outsiders of a send, before anything leaves: the page's
 * content (secure/<tenantId>/<secureId>.json in the share bucket), a share with one link per
 * outsider for each attachment carried inline (scan-gated like every share; attachments already
 * linked are reached through the outsider's own link), one record per outsider under the hash
 * of a fresh token, and their notification mails.
 */
export async function prepareSecureDelivery(
  deps: SecureSendDeps,
  input: {
    sendId: string;
    mailbox: Mailbox;
    sender: Sender;
    tier: Pick<TierLimits, 'shareBytes' | 'maxShareFileBytes' | 'maxLinkDays'>;
    message: {
      subject: string;
      to: ParsedMailbox[];
      cc: ParsedMailbox[];
      text?: string | undefined;
      html?: string | undefined;
    };
    /** Attachments carried inline for hosted recipients. */
    attachments: ComposedAttachment[];
    /** Attachments already going as links to every recipient (too large, or shares). */
    linked: LinkedAttachment[];
    outsiders: string[];
    sentCopyId: string;
    messageIdHeader: string;
    publicBaseUrl: string;
    now: Date;
  },
): Promise<SecureSend> {
  const { now, mailbox } = input;
  const secureId = input.sendId;
  const contentKey = secureContentKey(mailbox.tenantId, secureId);
  const secure: SecureSend = {
    secureId,
    contentKey,
    records: [],
    notifications: [],
    ownLinked: [],
  };
  try {
    if (input.attachments.length > 0) {
      secure.ownLinked = await linkAttachments(deps.shares, {
        mailbox,
        sender: input.sender,
        tier: input.tier,
        tooLarge: input.attachments,
        shares: [],
        recipients: input.outsiders,
        publicBaseUrl: input.publicBaseUrl,
        now,
      });
    }
    const files = [...input.linked, ...secure.ownLinked];
    const content: SecureContent = {
      subject: input.message.subject,
      from: { name: input.sender.name, address: input.sender.address },
      to: input.message.to.map(display),
      cc: input.message.cc.map(display),
      date: now.toISOString(),
      ...(input.message.text !== undefined && { text: input.message.text }),
      ...(input.message.html !== undefined && { html: sanitiseHtml(input.message.html) }),
      attachments: files.map(({ share }) => ({
        name: share.name,
        size: share.size,
        contentType: share.contentType,
      })),
    };
    await deps.blobs.put(
      deps.shares.objects.bucket,
      contentKey,
      Buffer.from(JSON.stringify(content)),
      'application/json',
    );
    const expiresAt = new Date(now.getTime() + input.tier.maxLinkDays * DAY_MS).toISOString();
    for (const [n, recipient] of input.outsiders.entries()) {
      const { token, hash } = newLinkToken();
      const attachments: SecureAttachment[] = [];
      for (const { share, links } of files) {
        const link = links.get(recipient);
        if (!link) continue;
        attachments.push({
          name: share.name,
          size: share.size,
          contentType: share.contentType,
          shareId: share.id,
          linkTokenHash: linkTokenHash(link.url),
        });
      }
      const record: SecureRecipient = {
        tokenHash: hash,
        secureId,
        tenantId: mailbox.tenantId,
        owner: mailbox.address,
        sender: input.sender,
        recipient,
        sentCopyId: input.sentCopyId,
        messageIdHeader: input.messageIdHeader,
        subject: input.message.subject,
        contentKey,
        attachments,
        createdAt: now.toISOString(),
        expiresAt,
      };
      await deps.store.createRecipient(record);
      secure.records.push(record);
      const url = `${input.publicBaseUrl}/m/${token}`;
      const size = attachments.reduce((sum, a) => sum + a.size, 0);
      const filesLine = attachments.length
        ? `\nIt has ${attachments.length} file(s), ${readableSize(size)} in all.`
        : '';
      secure.notifications.push({
        recipient,
        raw: await composeMime({
          from: { address: mailbox.address, name: input.sender.name },
          to: [{ address: recipient }],
          cc: [],
          subject: `Secure message from ${input.sender.name}`,
          text: notificationText(input.sender, url, expiresAt) + filesLine,
          messageId: `<${input.sendId}.secure${n}@${domainOf(mailbox.address)}>`,
          date: now,
          headers: {},
          attachments: [],
        }),
      });
    }
  } catch (error) {
    await discardSecure(deps, secure, mailbox.address);
    throw error;
  }
  return secure;
}

/** Undoes prepareSecureDelivery for a send refused afterwards: nothing was sent. */
export async function discardSecure(
  deps: SecureSendDeps,
  secure: SecureSend,
  by: string,
): Promise<void> {
  for (const record of secure.records) await deps.store.deleteRecipient(record.tokenHash);
  await deps.blobs.delete(deps.shares.objects.bucket, [secure.contentKey]);
  await discardLinks(deps.shares, secure.ownLinked, by);
}

/**
 * Mails each outsider their notification through SES (its events mark the Sent copy like any
 * send's) and starts the audit trail with it. A notification SES refuses is recorded as
 * `failed` on the Sent copy; the sender sees who was not told.
 */
export async function sendSecureNotifications(
  deps: Pick<SendDeps, 'outbound' | 'state'>,
  store: SecureMessageStore,
  secure: SecureSend,
  from: string,
  into: OutsideDeliveries,
): Promise<void> {
  const at = into.at.toISOString();
  const until = secure.records[0]?.expiresAt ?? at;
  for (const { recipient, raw } of secure.notifications) {
    const message = { from, to: [recipient], raw };
    if (!(await deliverOutside(deps, message, into, 'secure: notified'))) continue;
    try {
      await store.appendEvent(secure.secureId, { kind: 'notified', recipient, at }, until);
    } catch (error) {
      // The mail has left: a lost audit line must not stop the others' notifications.
      logger.warn('secure notification not recorded in the trail', {
        secureId: secure.secureId,
        error: error as Error,
      });
    }
  }
}
