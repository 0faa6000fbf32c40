import { publicBaseUrl } from '@shared/http/public-base-url';
import * as z from '@shared/validation/zod';
import type { TierTable } from '@shared/config/tiers';
import { json, type ApiEvent, type ApiResult } from '@shared/http/http-stack';
import { jsonBody } from '@shared/http/json-body';
import { resolveAttachmentPolicy } from '@shared/scan/attachment-policy';
import { LINK_LIMITS, NOTIFY_MODES } from '@shared/share/link-model';
import type { ShareLinkStore } from '@shared/share/link-store';
import { MAX_LINK_PASSWORD_LENGTH, MIN_LINK_PASSWORD_LENGTH } from '@shared/share/link-password';
import { createLinks, extendLink, listLinks, revokeLink } from '@shared/share/manage-links';
import type { Share } from '@shared/share/model';
import {
  createShareRequest,
  REQUEST_LIMITS,
  type ShareRequestStore,
} from '@shared/share/share-requests';
import type { ShareStore } from '@shared/share/share-store';
import type { Mailbox, Tenant } from '@shared/tenancy/model';

const address = z.email().check(z.maxLength(254));

const newLinksSchema = z.strictObject({
  recipients: z.optional(
    z.array(address).check(
      z.minLength(1),
      z.maxLength(LINK_LIMITS.maxRecipients),
      z.refine((list) => new Set(list.map((a) => a.toLowerCase())).size === list.length, {
        message: 'each recipient once',
      }),
    ),
  ),
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
  maxDownloads: z.optional(
    z
      .number()
      .check(z.int(), z.minimum(LINK_LIMITS.minDownloads), z.maximum(LINK_LIMITS.maxDownloads)),
  ),
  password: z.optional(
    z.string().check(z.minLength(MIN_LINK_PASSWORD_LENGTH), z.maxLength(MAX_LINK_PASSWORD_LENGTH)),
  ),
  notify: z._default(z.enum(NOTIFY_MODES), 'first'),
});

const extendSchema = z.strictObject({ expiresAt: z.iso.datetime({ offset: true }) });

const newRequestSchema = z.strictObject({
  note: z.optional(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(REQUEST_LIMITS.maxNoteLength)),
  ),
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
  maxFiles: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(REQUEST_LIMITS.maxFiles))),
});

/** Link ids are 96 random bits in hex (shared/share/manage-links). */
const linkPathSchema = z.object({
  linkId: z.string().check(z.regex(/^[0-9a-f]{24}$/, 'a link id is 24 lowercase hex characters')),
});

export interface LinkOperationDeps {
  store: Pick<ShareStore, 'putEvent'>;
  links: ShareLinkStore;
  requests: ShareRequestStore;
  accounts: { getTenant(tenantId: string): Promise<Tenant | undefined> };
  tiers: TierTable;
  now?: () => Date;
}

/** The directory's name and the tenant's, as the tenant admin registered them: verified. */
const senderOf = (owner: Mailbox, tenant: Tenant | undefined) => ({
  name: owner.displayName,
  address: owner.address,
  organisation: tenant?.name ?? owner.tenantId,
});

type OwnShareOf = (event: ApiEvent, owner: Mailbox) => Promise<Share>;

/**
 * The owner's link routes (issue 9, share-links), spread into the shares function's operation
 * table: create (one link per recipient), list, extend within the tier, revoke.
 */
export function linkOperations(deps: LinkOperationDeps, ownShareOf: OwnShareOf) {
  const ownerDeps = { shares: deps.store, links: deps.links, ...(deps.now && { now: deps.now }) };
  const tierOf = async (owner: Mailbox) => {
    const tenant = await deps.accounts.getTenant(owner.tenantId);
    return { tenant, tier: deps.tiers[tenant?.tier ?? 'commodity'] };
  };
  const linkIdOf = (event: ApiEvent) => linkPathSchema.parse(event.pathParameters ?? {}).linkId;
  return {
    'POST /shares/{id}/links': async (event: ApiEvent, owner: Mailbox): Promise<ApiResult> => {
      const share = await ownShareOf(event, owner);
      const request = newLinksSchema.parse(jsonBody(event));
      const { tenant, tier } = await tierOf(owner);
      const created = await createLinks(
        ownerDeps,
        share,
        // The directory's name and the tenant's, as the tenant admin registered them.
        {
          name: owner.displayName,
          address: owner.address,
          organisation: tenant?.name ?? owner.tenantId,
        },
        request,
        {
          maxLinkDays: tier.maxLinkDays,
          publicBaseUrl: publicBaseUrl(event),
          // The tenant's policy decides whether an unscannable file may be shared.
          allowUnscannable: resolveAttachmentPolicy(tenant?.attachmentPolicy).shareUnscannable,
        },
      );
      const [first] = created;
      return json(201, { ...first, links: created }, { 'cache-control': 'no-store' });
    },
    'GET /shares/{id}/links': async (event: ApiEvent, owner: Mailbox): Promise<ApiResult> =>
      json(200, { items: await listLinks(ownerDeps, await ownShareOf(event, owner)) }),
    'PATCH /shares/{id}/links/{linkId}': async (
      event: ApiEvent,
      owner: Mailbox,
    ): Promise<ApiResult> => {
      // The share first: another user's is 404 whatever the body says.
      const share = await ownShareOf(event, owner);
      const { expiresAt } = extendSchema.parse(jsonBody(event));
      const { tier } = await tierOf(owner);
      return json(
        200,
        await extendLink(ownerDeps, share, linkIdOf(event), expiresAt, {
          maxLinkDays: tier.maxLinkDays,
          by: owner.address,
        }),
      );
    },
    'POST /share-requests': async (event: ApiEvent, owner: Mailbox): Promise<ApiResult> => {
      const input = newRequestSchema.parse(jsonBody(event));
      const { tenant, tier } = await tierOf(owner);
      const created = await createShareRequest(
        { requests: deps.requests, ...(deps.now && { now: deps.now }) },
        {
          address: owner.address,
          tenantId: owner.tenantId,
          tier: tenant?.tier ?? 'commodity',
          sender: senderOf(owner, tenant),
        },
        input,
        { maxLinkDays: tier.maxLinkDays, publicBaseUrl: publicBaseUrl(event) },
      );
      return json(201, created, { 'cache-control': 'no-store' });
    },
    'DELETE /shares/{id}/links/{linkId}': async (
      event: ApiEvent,
      owner: Mailbox,
    ): Promise<ApiResult> => {
      const share = await ownShareOf(event, owner);
      await revokeLink(ownerDeps, share, linkIdOf(event), owner.address);
      return { statusCode: 204 };
    },
  };
}
