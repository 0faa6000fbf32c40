import { randomBytes } from 'node:crypto';
import type { TierName, TierTable } from '../config/tiers';
import { domainError } from '../errors/domain-error';
import type { Sender } from './link-model';
import { hashLinkToken, isWellFormedToken, newLinkToken } from './link-token';
import type { Share } from './model';
import type { ShareOwner } from './owner-shares';
import type { ShareDeps } from './share-deps';
import type { PartUrl } from './shared-objects';
import {
  completeShareUpload,
  sharePartUrls,
  shareUploadProgress,
  startShareUpload,
  type NewShare,
} from './uploads';

const DAY_MS = 86_400_000;

/** How many files one request link takes at most, by default and at most. */
export const REQUEST_LIMITS = { defaultFiles: 10, maxFiles: 50, maxNoteLength: 500 } as const;

/**
 * A request for files (issue 9, item 8): a member of staff asks an outsider to upload files
 * into the staff member's own share space. Kept under the SHA-256 of its token, like a link.
 */
export interface ShareRequest {
  id: string;
  tokenHash: string;
  requester: string;
  tenantId: string;
  /** The requester's tier when asked: it limits each file and the share space they land in. */
  tier: TierName;
  /** Shown on the upload page: who is asking. */
  sender: Sender;
  note?: string;
  createdAt: string;
  expiresAt: string;
  maxFiles: number;
  files: number;
  revokedAt?: string;
}

/** Unknown, expired, revoked and full requests: one answer (410), like links. */
export class RequestGoneError extends domainError(
  'RequestGone',
  'This upload link is no longer available.',
) {}

/** The request port (DynamoShareRequests); a file slot is one conditional write. */
export interface ShareRequestStore {
  createRequest(request: ShareRequest): Promise<void>;
  getByTokenHash(tokenHash: string): Promise<ShareRequest | undefined>;
  /** Counts one more file only while `files < maxFiles`, not revoked and not expired. */
  takeFileSlot(tokenHash: string, now: Date): Promise<boolean>;
  giveBackFileSlot(tokenHash: string): Promise<void>;
}

export interface RequestDeps extends ShareDeps {
  requests: ShareRequestStore;
  tiers: TierTable;
}

/** What the upload page shows. */
export interface RequestPage {
  sender: Sender;
  note?: string;
  expiresAt: string;
  filesLeft: number;
  maxFileBytes: number;
}

/** POST /share-requests: a request link for the caller's own share space. */
export async function createShareRequest(
  deps: Pick<RequestDeps, 'requests' | 'now'>,
  requester: { address: string; tenantId: string; tier: TierName; sender: Sender },
  input: { note?: string; expiresAt?: string; maxFiles?: number },
  options: { maxLinkDays: number; publicBaseUrl: string },
): Promise<{ id: string; url: string; expiresAt: string }> {
  const now = deps.now?.() ?? new Date();
  const longest = now.getTime() + options.maxLinkDays * DAY_MS;
  const asked = input.expiresAt ? Date.parse(input.expiresAt) : longest;
  if (asked <= now.getTime() || asked > longest) {
    throw new RequestTooLongError(
      `expiresAt may be at most ${new Date(longest).toISOString()} (${options.maxLinkDays} days).`,
    );
  }
  const { token, hash } = newLinkToken();
  const request: ShareRequest = {
    id: randomBytes(12).toString('hex'),
    tokenHash: hash,
    requester: requester.address,
    tenantId: requester.tenantId,
    tier: requester.tier,
    sender: requester.sender,
    ...(input.note && { note: input.note }),
    createdAt: now.toISOString(),
    expiresAt: new Date(asked).toISOString(),
    maxFiles: input.maxFiles ?? REQUEST_LIMITS.defaultFiles,
    files: 0,
  };
  await deps.requests.createRequest(request);
  return {
    id: request.id,
    url: `${options.publicBaseUrl}/r/${token}`,
    expiresAt: request.expiresAt,
  };
}

/** The request's life is past what the tier allows. */
export class RequestTooLongError extends domainError('LinkTooLong') {}

function isOpen(request: ShareRequest, now: Date): boolean {
  return !request.revokedAt && Date.parse(request.expiresAt) > now.getTime();
}

async function openRequest(deps: Pick<RequestDeps, 'requests' | 'now'>, token: string) {
  if (!isWellFormedToken(token)) throw new RequestGoneError();
  const request = await deps.requests.getByTokenHash(hashLinkToken(token));
  const now = deps.now?.() ?? new Date();
  if (!request || !isOpen(request, now)) throw new RequestGoneError();
  return request;
}

const ownerOf = (request: ShareRequest): ShareOwner => ({
  address: request.requester,
  tenantId: request.tenantId,
});

/** GET /r/{token}: who asks, until when, and how many files of what size are still welcome. */
export async function viewRequest(deps: RequestDeps, token: string): Promise<RequestPage> {
  const request = await openRequest(deps, token);
  if (request.files >= request.maxFiles) throw new RequestGoneError();
  return {
    sender: request.sender,
    ...(request.note && { note: request.note }),
    expiresAt: request.expiresAt,
    filesLeft: request.maxFiles - request.files,
    maxFileBytes: deps.tiers[request.tier].maxShareFileBytes,
  };
}

/**
 * POST /r/{token}/files: one more file into the requester's share space, within their tier's
 * largest file and share space (share-core's startShareUpload), marked with the request.
 */
export async function startRequestUpload(
  deps: RequestDeps,
  token: string,
  input: Omit<NewShare, 'expiresAt' | 'requestId'>,
): Promise<{ share: Share; parts: PartUrl[] }> {
  const request = await openRequest(deps, token);
  const now = deps.now?.() ?? new Date();
  if (!(await deps.requests.takeFileSlot(request.tokenHash, now))) throw new RequestGoneError();
  try {
    return await startShareUpload(deps, ownerOf(request), deps.tiers[request.tier], {
      ...input,
      requestId: request.id,
    });
  } catch (error) {
    await deps.requests.giveBackFileSlot(request.tokenHash);
    throw error;
  }
}

/** A share uploaded through this request (any other id is the same 410). */
async function requestedShare(deps: RequestDeps, token: string, shareId: string) {
  const request = await openRequest(deps, token);
  const share = await deps.store.getShare(shareId);
  if (!share || share.requestId !== request.id || share.owner !== request.requester) {
    throw new RequestGoneError();
  }
  return { request, share };
}

export async function requestPartUrls(
  deps: RequestDeps,
  token: string,
  shareId: string,
  partNumbers: number[],
): Promise<PartUrl[]> {
  const { request } = await requestedShare(deps, token, shareId);
  return sharePartUrls(deps, ownerOf(request), shareId, partNumbers);
}

export async function requestUploadProgress(deps: RequestDeps, token: string, shareId: string) {
  const { request } = await requestedShare(deps, token, shareId);
  return shareUploadProgress(deps, ownerOf(request), shareId);
}

/** Completes the upload: the file goes to `scanning`, and only the requester sees it. */
export async function completeRequestUpload(
  deps: RequestDeps,
  token: string,
  shareId: string,
): Promise<{ id: string; state: Share['state'] }> {
  const { request } = await requestedShare(deps, token, shareId);
  const share = await completeShareUpload(deps, ownerOf(request), shareId);
  return { id: share.id, state: share.state };
}
