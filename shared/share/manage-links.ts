import { randomBytes } from 'node:crypto';
import type { ShareLinkStore } from './link-store';
import { hashLinkPassword } from './link-password';
import {
  LINK_LIMITS,
  LinkTooLongError,
  NoSuchLinkError,
  ShareNotShareableError,
  summariseLink,
  type LinkSummary,
  type NotifyMode,
  type Sender,
  type ShareLink,
} from './link-model';
import { newLinkToken } from './link-token';
import { isShareable, type Share } from './model';
import { appendShareEvent } from './share-events';
import type { ShareStore } from './share-store';

const DAY_MS = 86_400_000;

export interface OwnerLinkDeps {
  shares: Pick<ShareStore, 'putEvent'>;
  links: ShareLinkStore;
  now?: () => Date;
}

export interface NewLinks {
  recipients?: string[];
  expiresAt?: string;
  maxDownloads?: number;
  password?: string;
  notify: NotifyMode;
}

export interface CreatedLink {
  id: string;
  /** The only time the token is seen: it is not stored, only its hash. */
  url: string;
  expiresAt: string;
  recipient?: string;
}

/**
 * A link's expiry: as asked, or the longest the tier allows; never past the tier's
 * `maxLinkDays` nor the share's own expiry (LinkTooLongError), never in the past.
 */
export function linkExpiry(
  asked: string | undefined,
  share: Pick<Share, 'expiresAt'>,
  maxLinkDays: number,
  now: Date,
): string {
  const longest = Math.min(now.getTime() + maxLinkDays * DAY_MS, Date.parse(share.expiresAt));
  if (asked === undefined) return new Date(longest).toISOString();
  const at = Date.parse(asked);
  if (at <= now.getTime()) throw new LinkTooLongError('expiresAt must be in the future.');
  if (at > longest) {
    throw new LinkTooLongError(
      `expiresAt may be at most ${new Date(longest).toISOString()} (${maxLinkDays} days, and never after the share).`,
    );
  }
  return new Date(at).toISOString();
}

/**
 * POST /shares/{id}/links: one link per recipient (each revoked and audited apart), or one
 * link when none is named. Only a shareable share gets links (clean, or unscannable where the
 * tenant's policy allows it), checked again by the same transaction that writes each link.
 */
export async function createLinks(
  deps: OwnerLinkDeps,
  share: Share,
  sender: Sender,
  request: NewLinks,
  options: {
    maxLinkDays: number;
    publicBaseUrl: string;
    allowUnscannable?: boolean;
    whileScanning?: boolean;
  },
): Promise<CreatedLink[]> {
  const now = deps.now?.() ?? new Date();
  const allowUnscannable = options.allowUnscannable === true;
  const scanning = options.whileScanning === true && share.state === 'scanning' && !share.takenDown;
  if (!isShareable(share, allowUnscannable) && !scanning) throw new ShareNotShareableError();
  const expiresAt = linkExpiry(request.expiresAt, share, options.maxLinkDays, now);
  const passwordHash = request.password ? await hashLinkPassword(request.password) : undefined;
  const recipients: (string | undefined)[] = request.recipients?.length
    ? request.recipients
    : [undefined];
  const created: CreatedLink[] = [];
  for (const recipient of recipients) {
    const { token, hash } = newLinkToken();
    const link: ShareLink = {
      id: randomBytes(12).toString('hex'),
      tokenHash: hash,
      shareId: share.id,
      tenantId: share.tenantId,
      owner: share.owner,
      ...(recipient && { recipient }),
      sender,
      createdAt: now.toISOString(),
      expiresAt,
      maxDownloads: request.maxDownloads ?? LINK_LIMITS.defaultDownloads,
      downloads: 0,
      ...(passwordHash && { passwordHash }),
      notify: request.notify,
      ...(share.state === 'unscannable' && { allowUnscannable }),
    };
    const whileScanning = options.whileScanning === true;
    if (!(await deps.links.createLink(link, { whileScanning }))) {
      throw new ShareNotShareableError();
    }
    await appendShareEvent(deps.shares, share, {
      kind: 'link-created',
      actor: share.owner,
      linkId: link.id,
      at: now,
      detail: {
        expiresAt,
        maxDownloads: link.maxDownloads,
        password: Boolean(passwordHash),
        notify: link.notify,
        ...(recipient && { recipient }),
      },
    });
    created.push({
      id: link.id,
      url: `${options.publicBaseUrl}/s/${token}`,
      expiresAt,
      ...(recipient && { recipient }),
    });
  }
  return created;
}

/** The share's links as the owner sees them. */
export async function listLinks(deps: OwnerLinkDeps, share: Share): Promise<LinkSummary[]> {
  const now = deps.now?.() ?? new Date();
  return (await deps.links.listByShare(share.id)).map((link) => summariseLink(link, now));
}

/** DELETE /shares/{id}/links/{linkId}: immediate for new grants. Revoking twice is a no-op. */
export async function revokeLink(deps: OwnerLinkDeps, share: Share, linkId: string, by: string) {
  const now = deps.now?.() ?? new Date();
  const link = await deps.links.getById(share.id, linkId);
  if (!link) throw new NoSuchLinkError();
  if (await deps.links.revoke(link, now)) {
    await appendShareEvent(deps.shares, share, {
      kind: 'link-revoked',
      actor: by,
      linkId,
      at: now,
    });
  }
}

/** PATCH /shares/{id}/links/{linkId}: a new expiry, within the tier and the share's life. */
export async function extendLink(
  deps: OwnerLinkDeps,
  share: Share,
  linkId: string,
  expiresAt: string,
  options: { maxLinkDays: number; by: string },
): Promise<LinkSummary> {
  const now = deps.now?.() ?? new Date();
  const link = await deps.links.getById(share.id, linkId);
  if (!link || link.revokedAt) throw new NoSuchLinkError();
  // The tier's longest life counts from the link's creation, so extending cannot chain past it.
  const longest = Math.min(
    Date.parse(link.createdAt) + options.maxLinkDays * DAY_MS,
    Date.parse(share.expiresAt),
  );
  const at = Date.parse(expiresAt);
  if (at <= now.getTime() || at > longest) {
    throw new LinkTooLongError(`expiresAt may be at most ${new Date(longest).toISOString()}.`);
  }
  const iso = new Date(at).toISOString();
  if (!(await deps.links.extend(link, iso))) throw new NoSuchLinkError();
  await appendShareEvent(deps.shares, share, {
    kind: 'link-extended',
    actor: options.by,
    linkId,
    at: now,
    detail: { from: link.expiresAt, to: iso },
  });
  return summariseLink({ ...link, expiresAt: iso }, now);
}
