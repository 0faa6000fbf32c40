import * as z from '@shared/validation/zod';
import type { SendStateStore } from '@shared/send/send-state';
import { NoSuchSuppressionError } from '@shared/send/errors';
import type { TierTable } from '@shared/config/tiers';
import { csv } from '@shared/http/csv-response';
import { formatSchema, pageQuerySchema, tenantPathSchema } from '@shared/http/request-schemas';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { routedHandler } from '@shared/http/route-dispatch';
import type { Actor } from '@shared/identity/access-rules';
import type { Tenant } from '@shared/tenancy/model';
import { administeredTenant } from '@shared/tenancy/administered-tenant';
import { signedIn, type SignedInDeps } from '@shared/http/signed-in';
import { jsonBody } from '@shared/http/json-body';
import type { Identities } from '@shared/sign-in/identities';
import type { EmailIdentities } from '@shared/domains/email-identities';
import { listDomains } from '@shared/domains/tenant-domains';
import { getImport, runImport, startImport, type ImportFiles } from '@shared/tenancy/csv-import';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { tenantUsage, usageCsv } from '@shared/tenancy/usage';
import type { TransferOfferStore } from '@shared/tenancy/transfer-offer-store';
import {
  acceptTransfer,
  closeTransfer,
  getTransfer,
  listTransfers,
  offerTransfer,
  offerView,
} from '@shared/tenancy/transfers';
import { createUser, updateUser, userView } from '@shared/tenancy/users';
import {
  listTenantReports,
  listTenantShares,
  takeDownShare,
  type TenantShareDeps,
} from '@shared/share/tenant-shares';
import { NoSuchUserError } from '@shared/tenancy/errors';
import type { MessageChangeStore } from '@shared/mailbox/message-state';
import { MESSAGE_ID_PATTERN } from '@shared/mailbox/message-id';
import { releaseFromQuarantine, releaseRequestSchema } from '@shared/mailbox/quarantine-release';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const role = z.enum(['user', 'tenant-admin']);
/** A platform admin may also store `platform-admin` on a mailbox (updateUser checks who asks). */
const storedRole = z.enum(['user', 'tenant-admin', 'platform-admin']);

const address = z.email().check(z.maxLength(254));
const userPath = z.extend(tenantPathSchema, { address });
const jobPath = z.extend(tenantPathSchema, { jobId: z.uuid() });
const offerPath = z.extend(tenantPathSchema, { offerId: z.uuid() });
const dryRun = z._default(z.boolean(), false);

const createUserSchema = z.strictObject({
  address,
  displayName: text(128),
  jobTitle: z.optional(text(128)),
  role: z.optional(role),
});

const patchUserSchema = z
  .strictObject({
    displayName: z.optional(text(128)),
    jobTitle: z.optional(text(128)),
    role: z.optional(storedRole),
    largeMailbox: z.optional(z.boolean()),
    status: z.optional(z.literal('leaver')),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' }));

const transferSchema = z.strictObject({
  toTenantId: z.string().check(z.minLength(1), z.maxLength(64)),
  dryRun,
});

const runSchema = z.strictObject({ dryRun });
/** Share ids are 128 random bits, base64url (shared/share/uploads). */
const sharePath = z.extend(tenantPathSchema, {
  shareId: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'a share id is 22 base64url characters')),
});

const releasePath = z.extend(userPath, {
  id: z.string().check(z.regex(MESSAGE_ID_PATTERN, 'a message id is 32 lowercase hex characters')),
});
/** Accept takes `dryRun` (the plan on current state); decline and withdraw take no body. */
const acceptSchema = runSchema;

export interface TenantAdminApiDeps extends SignedInDeps {
  store: TenancyStore;
  /** Sign-in accounts: created, regrouped, disabled and moved with the users. */
  identities: Identities;
  offers: TransferOfferStore;
  files: ImportFiles;
  tiers: TierTable;
  emailIdentities: EmailIdentities;
  /** The SES region, named in the DNS records a domain needs. */
  region: string;
  /** The tenant's shares and their abuse reports (issue 9, share-links). */
  shares: TenantShareDeps;
  /** Releasing quarantined messages (issue 11): the same transactions as a user's moves. */
  messages: MessageChangeStore;
  /** Addresses the tenant no longer sends to after a hard bounce or complaint (issue 10). */
  suppressions: Pick<SendStateStore, 'liftSuppression'>;
}

/**
 * A tenant administrator's API: users, bulk import, leavers, transfers, add-ons, domains, usage. A
 * tenant admin acts on their own tenant, a platform admin on any; everyone else gets 403 on
 * their own tenant and 404 on another's, before any input is looked at.
 */
export function createTenantAdminHandler(deps: TenantAdminApiDeps) {
  const now = deps.now ?? (() => new Date());
  const administeredOf = async (event: ApiEvent): Promise<[Tenant, Actor]> => {
    const { caller, own } = await signedIn(deps, event);
    const { tenantId } = tenantPathSchema.parse(event.pathParameters ?? {});
    return [await administeredTenant(deps.store, caller, own, tenantId), { caller, own }];
  };
  return routedHandler('tenant-admin', administeredOf, {
    'POST /tenants/{tenantId}/mailboxes/{address}/messages/{id}/release': async (
      event,
      tenant,
      actor,
    ) => {
      const { address, id } = releasePath.parse(event.pathParameters ?? {});
      const { reason } = releaseRequestSchema.parse(jsonBody(event));
      const mailbox = await deps.store.getMailbox(address);
      // Another tenant's mailbox is no different from none.
      if (!mailbox || mailbox.tenantId !== tenant.id) throw new NoSuchUserError();
      const release = { by: actor.caller.address, reason };
      return json(200, await releaseFromQuarantine(deps.messages, address, id, release, now()));
    },
    'POST /tenants/{tenantId}/users': async (event, tenant) => {
      const input = createUserSchema.parse(jsonBody(event));
      const user = await createUser(deps.store, deps.identities, deps.tiers, tenant, input, now());
      return json(201, userView(user), {
        location: `/tenants/${tenant.id}/users/${encodeURIComponent(user.address)}`,
      });
    },
    'PATCH /tenants/{tenantId}/users/{address}': async (event, tenant, actor) => {
      const { address } = userPath.parse(event.pathParameters ?? {});
      const changes = patchUserSchema.parse(jsonBody(event));
      const user = await updateUser(
        deps.store,
        deps.identities,
        deps.tiers,
        tenant,
        address,
        changes,
        now(),
        actor,
      );
      return json(200, userView(user));
    },
    'POST /tenants/{tenantId}/users/{address}/transfer': async (event, from, actor) => {
      const { address } = userPath.parse(event.pathParameters ?? {});
      const { toTenantId, dryRun } = transferSchema.parse(jsonBody(event));
      // The sending tenant offers; nothing moves until the receiving tenant accepts.
      const request = { address, toTenantId, dryRun };
      const at = now();
      const result = await offerTransfer(deps.offers, deps.tiers, from, request, actor, at);
      if (!('id' in result)) return json(200, result);
      return json(201, offerView(result, at), {
        location: `/tenants/${from.id}/transfers/${result.id}`,
      });
    },
    'GET /tenants/{tenantId}/transfers': async (event, tenant) => {
      const query = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const page = await listTransfers(deps.offers, tenant, query);
      const at = now();
      const items = page.items.map((offer) => offerView(offer, at));
      return json(200, { items, nextCursor: page.next ?? null });
    },
    'GET /tenants/{tenantId}/transfers/{offerId}': async (event, tenant) => {
      const { offerId } = offerPath.parse(event.pathParameters ?? {});
      return json(200, offerView(await getTransfer(deps.offers, tenant, offerId), now()));
    },
    'POST /tenants/{tenantId}/transfers/{offerId}/accept': async (event, to, actor) => {
      const { offerId } = offerPath.parse(event.pathParameters ?? {});
      const { dryRun } = acceptSchema.parse(jsonBody(event));
      const at = now();
      return json(
        200,
        await acceptTransfer(
          deps.offers,
          deps.identities,
          deps.tiers,
          to,
          offerId,
          dryRun,
          actor,
          at,
        ),
      );
    },
    'POST /tenants/{tenantId}/transfers/{offerId}/decline': async (event, to, actor) => {
      const { offerId } = offerPath.parse(event.pathParameters ?? {});
      const at = now();
      return json(
        200,
        offerView(await closeTransfer(deps.offers, to, offerId, 'to', actor, at), at),
      );
    },
    'DELETE /tenants/{tenantId}/transfers/{offerId}': async (event, from, actor) => {
      const { offerId } = offerPath.parse(event.pathParameters ?? {});
      const at = now();
      const offer = await closeTransfer(deps.offers, from, offerId, 'from', actor, at);
      return json(200, offerView(offer, at));
    },
    'POST /tenants/{tenantId}/imports': async (_event, tenant) => {
      const { job, upload } = await startImport(deps, tenant, now());
      return json(
        201,
        { jobId: job.id, status: job.status, upload },
        {
          location: `/tenants/${tenant.id}/imports/${job.id}`,
        },
      );
    },
    'GET /tenants/{tenantId}/imports/{jobId}': async (event, tenant) => {
      const { jobId } = jobPath.parse(event.pathParameters ?? {});
      return json(200, await getImport(deps.store, tenant, jobId));
    },
    'POST /tenants/{tenantId}/imports/{jobId}/run': async (event, tenant) => {
      const { jobId } = jobPath.parse(event.pathParameters ?? {});
      const { dryRun } = runSchema.parse(jsonBody(event));
      return json(200, await runImport(deps, tenant, jobId, dryRun, now()));
    },
    'GET /tenants/{tenantId}/domains': async (_event, tenant) => {
      return json(200, { items: await listDomains(deps, tenant) });
    },
    'GET /tenants/{tenantId}/usage': async (event, tenant) => {
      const { format } = formatSchema.parse(event.queryStringParameters ?? {});
      const at = now();
      const usage = await tenantUsage(deps.store, tenant, at);
      if (format === 'csv') return csv(usageCsv([usage]), `sesame-usage-${tenant.id}.csv`);
      return json(200, { generatedAt: at.toISOString(), ...usage });
    },
    // Abuse and takedown (issue 9, share-links).
    'GET /tenants/{tenantId}/shares': async (event, tenant) => {
      const query = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const page = await listTenantShares(deps.shares, tenant, query);
      return json(200, { items: page.items, nextCursor: page.next ?? null });
    },
    'GET /tenants/{tenantId}/share-reports': async (event, tenant) => {
      const query = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const page = await listTenantReports(deps.shares, tenant, query);
      return json(200, { items: page.items, nextCursor: page.next ?? null });
    },
    'POST /tenants/{tenantId}/shares/{shareId}/takedown': async (event, tenant, actor) => {
      const { shareId } = sharePath.parse(event.pathParameters ?? {});
      return json(200, await takeDownShare(deps.shares, tenant, shareId, actor.caller.address));
    },
    // Sending (issue 10): an admin lifts a suppression; the next send to the address goes out.
    'DELETE /tenants/{tenantId}/suppressions/{address}': async (event, tenant) => {
      const { address } = userPath.parse(event.pathParameters ?? {});
      if (!(await deps.suppressions.liftSuppression(tenant.id, address))) {
        throw new NoSuchSuppressionError();
      }
      return { statusCode: 204 };
    },
  });
}
