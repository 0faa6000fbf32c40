import * as z from '@shared/validation/zod';
import { pageFields } from '@shared/http/request-schemas';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { routedHandler } from '@shared/http/route-dispatch';
import type { Mailbox } from '@shared/tenancy/model';
import { signedIn, type SignedInDeps } from '@shared/http/signed-in';
import { callerOf } from '@shared/http/identity';
import { MIN_QUERY_CHARS, searchDirectory } from '@shared/tenancy/directory';
import { DIRECTORY_SCOPES, normaliseTerm } from '@shared/tenancy/directory-terms';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { DEFAULT_TIERS, type TierTable } from '@shared/config/tiers';

const directoryQuerySchema = z.strictObject({
  q: z.string().check(
    z.maxLength(128),
    z.refine((q) => normaliseTerm(q).length >= MIN_QUERY_CHARS, {
      message: `at least ${MIN_QUERY_CHARS} letters or digits`,
    }),
  ),
  scope: z._default(z.enum(DIRECTORY_SCOPES), 'tenant'),
  ...pageFields,
});

export interface AccountApiDeps extends SignedInDeps {
  store: TenancyStore;
  /** The tier table, for the share space allowed (issue 9); default the DESIGN numbers. */
  tiers?: TierTable;
}

/** Every signed-in user's own account (`/me`) and the staff directory. */
export function createAccountHandler(deps: AccountApiDeps) {
  const ownOf = async (event: ApiEvent): Promise<[Mailbox]> => [(await signedIn(deps, event)).own];
  return routedHandler('account', ownOf, {
    'GET /me': async (_event, mailbox) => {
      const tenant = await deps.store.getTenant(mailbox.tenantId);
      return json(200, {
        address: mailbox.address,
        tenantId: mailbox.tenantId,
        organisation: tenant?.name ?? null,
        tier: tenant?.tier ?? null,
        displayName: mailbox.displayName,
        jobTitle: mailbox.jobTitle ?? null,
        role: mailbox.role,
        largeMailbox: mailbox.largeMailbox ?? false,
        quotaBytes: mailbox.quotaBytes,
        usedBytes: mailbox.usedBytes,
        messageCount: mailbox.messageCount,
        // Large-file share (issue 9): the space reserved by the user's shares, and the tier's.
        shareBytesUsed: mailbox.shareBytesUsed ?? 0,
        shareBytesAllowed: tenant ? (deps.tiers ?? DEFAULT_TIERS)[tenant.tier].shareBytes : null,
        maxShareFileBytes: tenant
          ? (deps.tiers ?? DEFAULT_TIERS)[tenant.tier].maxShareFileBytes
          : null,
        // Deleted from Deleted Items, restorable until the recovery window ends: not in usedBytes.
        recoverableBytes: mailbox.recoverableBytes ?? 0,
        recoverableCount: mailbox.recoverableCount ?? 0,
      });
    },
    'GET /directory': async (event) => {
      const query = directoryQuerySchema.parse(event.queryStringParameters ?? {});
      return json(200, await searchDirectory(deps.store, callerOf(event), query));
    },
  });
}
