import type { TierLimits } from '../config/tiers';
import type { Mailbox } from '../tenancy/model';
import type { Sender } from '../share/link-model';
import type { ShareLinkStore } from '../share/link-store';
import { createLinks, revokeLink, type CreatedLink } from '../share/manage-links';
import { SYSTEM_ACTOR, type Share } from '../share/model';
import { shareServerFile } from '../share/server-shares';
import { shareEvent } from '../share/share-events';
import type { ShareStore } from '../share/share-store';
import type { SharedObjects } from '../share/shared-objects';
import type { LinkedAttachmentRecord } from '../mailbox/model';
import type { ComposedAttachment } from './compose-mime';

/**
 * An attachment larger than this leaves as a link even when the message would fit: mail servers
 * on the way often refuse far less than our maxMessageBytes. The tier key `attachmentLinkBytes`
 * overrides it.
 */
export const ATTACHMENT_LINK_BYTES = 10 * 1000 * 1000;

/** What the headers and the MIME structure add besides the encoded parts (generous). */
const MIME_OVERHEAD_BYTES = 64 * 1024;

/** Base64 in 76-character lines: 57 bytes a line of 78 with its CRLF. */
export const encodedBytes = (bytes: number) => Math.ceil(bytes / 57) * 78;

/** The large-file share's ports, with which sending turns attachments into links (issue 9). */
export interface SendShareDeps {
  store: ShareStore;
  links: ShareLinkStore;
  objects: SharedObjects;
}

/** An attachment that leaves as a link: its share and each recipient's own link. */
export interface LinkedAttachment {
  share: Share;
  /** `share`: attached as `{ shareId }`; `too-large`: an attachment the message could not carry. */
  reason: 'share' | 'too-large';
  /** Each recipient's link (lower-case address ▶ link). */
  links: Map<string, CreatedLink>;
}

/**
 * Which attachments stay in the message and which go as links: every one larger than the tier's
 * `attachmentLinkBytes` (ATTACHMENT_LINK_BYTES), then the largest of the others until the
 * message, encoded, fits the tier's `maxMessageBytes`. Order is kept among those attached.
 */
export function splitAttachments(
  attachments: ComposedAttachment[],
  bodyBytes: number,
  tier: Pick<TierLimits, 'maxMessageBytes' | 'attachmentLinkBytes'>,
): { attached: ComposedAttachment[]; tooLarge: ComposedAttachment[] } {
  const limit = tier.attachmentLinkBytes ?? ATTACHMENT_LINK_BYTES;
  const attached = attachments.filter((a) => a.content.byteLength <= limit);
  const tooLarge = attachments.filter((a) => a.content.byteLength > limit);
  const size = () =>
    MIME_OVERHEAD_BYTES +
    encodedBytes(bodyBytes) +
    attached.reduce((sum, a) => sum + encodedBytes(a.content.byteLength), 0);
  while (attached.length > 0 && size() > tier.maxMessageBytes) {
    const largest = attached.reduce((a, b) =>
      b.content.byteLength > a.content.byteLength ? b : a,
    );
    attached.splice(attached.indexOf(largest), 1);
    tooLarge.push(largest);
  }
  return { attached, tooLarge };
}

/**
 * Shares each attachment too large to send (from the bytes in hand: the share's scan runs as for
 * any upload) and makes one link per recipient to it and to each `{ shareId }` share. A link to
 * a share still being scanned is made, but opens only once the scan found it clean (the public
 * page checks at every grant). On a failure, what was made so far is undone (discardLinks).
 */
export async function linkAttachments(
  deps: SendShareDeps,
  input: {
    mailbox: Mailbox;
    sender: Sender;
    tier: Pick<TierLimits, 'shareBytes' | 'maxShareFileBytes' | 'maxLinkDays'>;
    tooLarge: ComposedAttachment[];
    shares: Share[];
    recipients: string[];
    publicBaseUrl: string;
    now: Date;
  },
): Promise<LinkedAttachment[]> {
  const linked: LinkedAttachment[] = [];
  const linkDeps = { shares: deps.store, links: deps.links, now: () => input.now };
  const options = { maxLinkDays: input.tier.maxLinkDays, publicBaseUrl: input.publicBaseUrl };
  const link = async (share: Share, reason: LinkedAttachment['reason']) => {
    const entry: LinkedAttachment = { share, reason, links: new Map() };
    linked.push(entry);
    const created = await createLinks(
      linkDeps,
      share,
      input.sender,
      { recipients: input.recipients, notify: 'first' },
      { ...options, whileScanning: reason === 'too-large' },
    );
    for (const one of created) if (one.recipient) entry.links.set(one.recipient, one);
  };
  try {
    for (const share of input.shares) await link(share, 'share');
    for (const file of input.tooLarge) {
      const share = await shareServerFile(
        { store: deps.store, objects: deps.objects, now: () => input.now },
        input.mailbox,
        input.tier,
        { name: file.filename, contentType: file.contentType, content: file.content },
      );
      await link(share, 'too-large');
    }
  } catch (error) {
    await discardLinks(deps, linked, input.mailbox.address);
    throw error;
  }
  return linked;
}

/**
 * Undoes linkAttachments for a send that was refused afterwards: the links are revoked, and the
 * shares made from attachments deleted (their space given back); nothing was sent.
 */
export async function discardLinks(
  deps: SendShareDeps,
  linked: LinkedAttachment[],
  by: string,
): Promise<void> {
  for (const { share, reason, links } of linked) {
    if (reason === 'too-large') {
      const at = new Date().toISOString();
      if (await deps.store.deleteShare(share, shareEvent(share, 'deleted', SYSTEM_ACTOR, at))) {
        await deps.objects.delete(share.key);
      }
      continue;
    }
    for (const one of links.values()) {
      await revokeLink({ shares: deps.store, links: deps.links }, share, one.id, by);
    }
  }
}

/** A size as people read it: 48.2 MB, 912 KB. */
export function readableSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

/** A file named in the body: with a recipient's link, or (the Sent copy) without. */
export interface LinkLine {
  name: string;
  size: number;
  link?: Pick<CreatedLink, 'url' | 'expiresAt'> | undefined;
}

/** One recipient's lines: each linked file with their own link. */
export function recipientLines(linked: LinkedAttachment[], recipient: string): LinkLine[] {
  return linked.map(({ share, links }) => ({
    name: share.name,
    size: share.size,
    link: links.get(recipient),
  }));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The body with a short line per linked file: its name, its size and the link (until when it
 * works), or for the Sent copy that each recipient got a link of their own. Text and HTML alike.
 */
export function withLinkLines<T extends { text?: string | undefined; html?: string | undefined }>(
  message: T,
  files: LinkLine[],
): T {
  if (files.length === 0) return message;
  const line = (f: LinkLine) =>
    f.link
      ? `${f.name} (${readableSize(f.size)}): ${f.link.url} (until ${f.link.expiresAt.slice(0, 10)})`
      : `${f.name} (${readableSize(f.size)}): sent as a download link of their own to each recipient`;
  const heading = 'Files sent as links (they open once scanned):';
  const text = [message.text ?? '', '', heading, ...files.map((f) => `- ${line(f)}`)].join('\n');
  const item = (f: LinkLine) =>
    f.link
      ? `${escapeHtml(`${f.name} (${readableSize(f.size)})`)}: <a href="${escapeHtml(f.link.url)}">${escapeHtml(f.link.url)}</a> (until ${f.link.expiresAt.slice(0, 10)})`
      : escapeHtml(line(f));
  const html =
    message.html === undefined
      ? undefined
      : `${message.html}<p>${escapeHtml(heading)}</p><ul>${files.map((f) => `<li>${item(f)}</li>`).join('')}</ul>`;
  return { ...message, text: text.trimStart(), ...(html !== undefined && { html }) };
}

/** What the Sent copy keeps of the linked files: which went as links, and each recipient's link. */
export function linkedRecord(linked: LinkedAttachment[]): LinkedAttachmentRecord[] {
  return linked.map(({ share, reason, links }) => ({
    name: share.name,
    size: share.size,
    contentType: share.contentType,
    shareId: share.id,
    reason,
    links: [...links].map(([recipient, link]) => ({
      recipient,
      linkId: link.id,
      expiresAt: link.expiresAt,
    })),
  }));
}
