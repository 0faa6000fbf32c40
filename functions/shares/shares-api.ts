import * as z from '@shared/validation/zod';
import type { TierTable } from '@shared/config/tiers';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { jsonBody } from '@shared/http/json-body';
import { pageFields } from '@shared/http/request-schemas';
import { routedHandler } from '@shared/http/route-dispatch';
import { signedIn, type SignedInDeps } from '@shared/http/signed-in';
import { resolveAttachmentPolicy } from '@shared/scan/attachment-policy';
import { newShareFileFields, partNumbersSchema } from '@shared/share/upload-request';
import {
  deleteOwnShare,
  listOwnShareEvents,
  listOwnShares,
  ownShare,
  shareView,
} from '@shared/share/owner-shares';
import type { ShareDeps } from '@shared/share/share-deps';
import type { ShareLinkStore } from '@shared/share/link-store';
import type { ShareRequestStore } from '@shared/share/share-requests';
import { listLinks } from '@shared/share/manage-links';
import { linkOperations } from './link-operations';
import {
  completeShareUpload,
  sharePartUrls,
  shareUploadProgress,
  startShareUpload,
} from '@shared/share/uploads';
import type { Mailbox, Tenant } from '@shared/tenancy/model';
import { NoSuchTenantError } from '@shared/tenancy/errors';

const newShareSchema = z.strictObject({
  ...newShareFileFields,
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
});

/** Share ids are 128 random bits, base64url (shared/share/uploads). */
const sharePathSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'a share id is 22 base64url characters')),
});

const pageQuerySchema = z.strictObject(pageFields);

export interface SharesApiDeps extends SignedInDeps, ShareDeps {
  accounts: { getTenant(tenantId: string): Promise<Tenant | undefined> };
  tiers: TierTable;
  /** Share links and requests for files (issue 9, share-links). */
  links: ShareLinkStore;
  requests: ShareRequestStore;
}

/**
 * The owner's side of the large-file share (issue 9): start, resume and complete uploads whose
 * bytes go straight to S3; list, read and delete shares; read a share's audit trail. Every
 * route acts on the caller's own shares only: anyone else's is 404.
 */
export function createSharesHandler(deps: SharesApiDeps) {
  const ownerOf = async (event: ApiEvent): Promise<[Mailbox]> => [
    (await signedIn(deps, event)).own,
  ];
  const tenantOf = async (owner: Mailbox) => {
    const tenant = await deps.accounts.getTenant(owner.tenantId);
    if (!tenant) throw new NoSuchTenantError();
    return tenant;
  };
  const idOf = (event: ApiEvent) => sharePathSchema.parse(event.pathParameters ?? {}).id;
  const view = async (owner: Mailbox, share: Parameters<typeof shareView>[0]) =>
    shareView(
      share,
      resolveAttachmentPolicy((await tenantOf(owner)).attachmentPolicy).shareUnscannable,
    );

  return routedHandler('shares', ownerOf, {
    'POST /shares': async (event, owner) => {
      const { expiresAt, ...input } = newShareSchema.parse(jsonBody(event));
      const tenant = await tenantOf(owner);
      const { share, parts } = await startShareUpload(deps, owner, deps.tiers[tenant.tier], {
        ...input,
        ...(expiresAt && { expiresAt: new Date(expiresAt) }),
      });
      return json(
        201,
        {
          id: share.id,
          partSize: share.partSize,
          partCount: share.partCount,
          parts,
          uploadDeadline: share.uploadDeadline,
          expiresAt: share.expiresAt,
        },
        { location: `/shares/${share.id}` },
      );
    },
    'GET /shares': async (event, owner) => {
      const page = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const policy = resolveAttachmentPolicy((await tenantOf(owner)).attachmentPolicy);
      const found = await listOwnShares(deps, owner, page);
      return json(200, {
        items: found.items.map((share) => shareView(share, policy.shareUnscannable)),
        ...(found.next && { next: found.next }),
      });
    },
    'GET /shares/{id}': async (event, owner) => {
      const share = await ownShare(deps, owner, idOf(event));
      const links = await listLinks({ shares: deps.store, links: deps.links }, share);
      return json(200, { ...(await view(owner, share)), links });
    },
    'DELETE /shares/{id}': async (event, owner) => {
      await deleteOwnShare(deps, owner, idOf(event));
      return { statusCode: 204 };
    },
    'POST /shares/{id}/parts': async (event, owner) => {
      const id = idOf(event);
      let partNumbers: number[];
      try {
        ({ partNumbers } = partNumbersSchema.parse(jsonBody(event)));
      } catch (error) {
        // Another user's share is 404 whatever the body says: no answer tells it exists.
        await ownShare(deps, owner, id);
        throw error;
      }
      return json(200, { parts: await sharePartUrls(deps, owner, id, partNumbers) });
    },
    'GET /shares/{id}/upload': async (event, owner) =>
      json(200, await shareUploadProgress(deps, owner, idOf(event))),
    'POST /shares/{id}/complete': async (event, owner) =>
      json(202, await view(owner, await completeShareUpload(deps, owner, idOf(event)))),
    'GET /shares/{id}/events': async (event, owner) => {
      const id = idOf(event);
      const page = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const found = await listOwnShareEvents(deps, owner, id, page);
      return json(200, { items: found.items, ...(found.next && { next: found.next }) });
    },
    // Share links, the owner's side (issue 9, share-links).
    ...linkOperations(deps, (event, owner) => ownShare(deps, owner, idOf(event))),
  });
}
