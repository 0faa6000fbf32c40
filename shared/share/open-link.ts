import { logger } from '../log/logger';
import { contentDisposition } from '../mime/display-name';
import { servedContentType } from '../mime/served-content-type';
import { PASSWORD_ATTEMPTS, takeAll } from './attempt-limits';
import type { PublicClient, PublicLinkDeps } from './link-deps';
import { verifyLinkPassword } from './link-password';
import {
  LinkGoneError,
  linkState,
  PasswordRefusedError,
  PasswordRequiredError,
  TooManyAttemptsError,
  type Sender,
  type ShareLink,
} from './link-model';
import { hashLinkToken, isWellFormedToken } from './link-token';
import { isShareable, PUBLIC_ACTOR, SYSTEM_ACTOR, type Share } from './model';
import { appendShareEvent } from './share-events';

/** What the public page shows. */
/** A presigned download lives this long: long enough to start it, no longer. */
export const GRANT_URL_SECONDS = 300;

/** What a grant answers: the presigned URL is the grant (ranges on it are not counted). */
export interface ShareDownload {
  url: string;
  expiresAt: string;
  filename: string;
  /** The type served: the declared one only when on the allow-list, else octet-stream. */
  contentType: string;
  size: number;
}

export interface LinkPage {
  fileName: string;
  size: number;
  contentType: string;
  sender: Sender;
  expiresAt: string;
  downloadsLeft: number;
  needsPassword: boolean;
  /** `clean`, or `unscannable` where the tenant's policy shares files the scan could not cover. */
  scanState: 'clean' | 'unscannable';
  /** Where the bytes are (the page's CSP names the store's origin, never the key). */
  bucket: string;
}

/**
 * The link and its share, when the link still opens a shareable file; otherwise the one
 * LinkGoneError, whatever the reason (unknown, expired, revoked, exhausted, not clean, taken
 * down), so that the answer says nothing about which tokens exist.
 */
async function liveLink(
  deps: PublicLinkDeps,
  token: string,
  now: Date,
): Promise<{ link: ShareLink; share: Share }> {
  if (!isWellFormedToken(token)) throw new LinkGoneError();
  const link = await deps.links.getByTokenHash(hashLinkToken(token));
  if (!link) throw new LinkGoneError();
  const state = linkState(link, now);
  if (state === 'expired') await recordExpiry(deps, link, now);
  if (state !== 'active') throw new LinkGoneError();
  const share = await deps.shares.getShare(link.shareId);
  if (
    !share ||
    !isShareable(share, link.allowUnscannable === true) ||
    Date.parse(share.expiresAt) <= now.getTime()
  ) {
    throw new LinkGoneError();
  }
  return { link, share };
}

/**
 * The first use of a link after its expiry appends `link-expired` to the share's trail, once
 * (a conditional marker on the link); the answer stays the one 410.
 */
async function recordExpiry(deps: PublicLinkDeps, link: ShareLink, now: Date): Promise<void> {
  if (!(await deps.links.claimExpiryNotice(link.tokenHash, now))) return;
  const share = await deps.shares.getShare(link.shareId);
  if (!share) return;
  await appendShareEvent(deps.shares, share, {
    kind: 'link-expired',
    actor: SYSTEM_ACTOR,
    linkId: link.id,
    at: now,
  });
}

/** GET /s/{token}: what the page shows about the file and the link. */
export async function viewLink(deps: PublicLinkDeps, token: string): Promise<LinkPage> {
  const { link, share } = await liveLink(deps, token, deps.now?.() ?? new Date());
  return {
    fileName: share.name,
    size: share.size,
    contentType: share.contentType,
    sender: link.sender,
    expiresAt: link.expiresAt,
    downloadsLeft: link.maxDownloads - link.downloads,
    needsPassword: Boolean(link.passwordHash),
    scanState: share.state === 'clean' ? 'clean' : 'unscannable',
    bucket: share.bucket,
  };
}

/**
 * Checks a link's password. Every attempt is charged to the per-link-and-address and per-link
 * windows BEFORE the hash is checked, so concurrent guesses cannot outrun the limit; a right
 * password gives its charge back.
 */
async function checkPassword(
  deps: PublicLinkDeps,
  link: ShareLink,
  share: Share,
  password: string | undefined,
  client: PublicClient,
  now: Date,
): Promise<void> {
  if (!link.passwordHash) return;
  if (password === undefined || password === '') throw new PasswordRequiredError();
  const charged = await takeAll(
    deps.limiter,
    [
      { key: `pw#${link.tokenHash}#${client.address}`, rule: PASSWORD_ATTEMPTS.perLinkAndClient },
      { key: `pw#${link.tokenHash}`, rule: PASSWORD_ATTEMPTS.perLink },
    ],
    now,
  );
  if (!charged) throw new TooManyAttemptsError();
  if (await verifyLinkPassword(password, link.passwordHash)) {
    await Promise.all(charged.map((receipt) => deps.limiter.giveBack(receipt)));
    return;
  }
  await appendShareEvent(deps.shares, share, {
    kind: 'password-refused',
    actor: PUBLIC_ACTOR,
    linkId: link.id,
    clientAddress: client.address,
    userAgent: client.userAgent,
    at: now,
  });
  throw new PasswordRefusedError();
}

/**
 * POST /s/{token}/download: the password (if any), then ONE conditional grant, then a
 * presigned GET of at most 5 minutes. The presigned URL is the grant: range requests on it do
 * not count again.
 */
export async function grantDownload(
  deps: PublicLinkDeps,
  token: string,
  password: string | undefined,
  client: PublicClient,
): Promise<ShareDownload> {
  const now = deps.now?.() ?? new Date();
  const { link, share } = await liveLink(deps, token, now);
  await checkPassword(deps, link, share, password, client, now);
  return grantLink(deps, link, share, client, now);
}

/**
 * The grant itself, for a link already found live (and its password checked): ONE conditional
 * write (LinkGone when it fails), a presigned GET, the share's audit event and the owner's
 * notice. A [secure] message's page grants its attachments through here (shared/send).
 */
export async function grantLink(
  deps: PublicLinkDeps,
  link: ShareLink,
  share: Share,
  client: PublicClient,
  now: Date,
): Promise<ShareDownload> {
  if (!(await deps.links.grant(link, now))) throw new LinkGoneError();
  const contentType = servedContentType(share.contentType);
  const url = await deps.objects.downloadUrl(share.key, {
    contentDisposition: contentDisposition(share.name, 'attachment'),
    contentType,
    expiresInSeconds: GRANT_URL_SECONDS,
  });
  const download: ShareDownload = {
    url,
    expiresAt: new Date(now.getTime() + GRANT_URL_SECONDS * 1000).toISOString(),
    filename: share.name,
    contentType,
    size: share.size,
  };
  await appendShareEvent(deps.shares, share, {
    kind: 'download-granted',
    actor: PUBLIC_ACTOR,
    linkId: link.id,
    clientAddress: client.address,
    userAgent: client.userAgent,
    at: now,
  });
  await notifyOwner(deps, link, share, client, now);
  return download;
}

/** Tells the owner, as the link's `notify` asks; a notice that fails never fails the download. */
async function notifyOwner(
  deps: PublicLinkDeps,
  link: ShareLink,
  share: Share,
  client: PublicClient,
  now: Date,
): Promise<void> {
  if (link.notify === 'none') return;
  try {
    if (link.notify === 'first' && !(await deps.links.claimFirstNotice(link.tokenHash, now)))
      return;
    await deps.notices.tell({
      owner: share.owner,
      tenantId: share.tenantId,
      shareId: share.id,
      fileName: share.name,
      linkId: link.id,
      ...(link.recipient && { recipient: link.recipient }),
      at: now.toISOString(),
      clientAddress: client.address,
      userAgent: client.userAgent,
      downloads: link.downloads + 1,
      maxDownloads: link.maxDownloads,
    });
  } catch (error) {
    logger.warn('download notice not delivered', {
      shareId: share.id,
      linkId: link.id,
      error: error as Error,
    });
  }
}
