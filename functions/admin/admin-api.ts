import * as z from '@shared/validation/zod';
import { mailRetentionSchema, retentionOf } from '@shared/mailbox/recoverable';
import { TIER_NAMES } from '@shared/config/tiers';
import type { TierTable } from '@shared/config/tiers';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { routedHandler } from '@shared/http/route-dispatch';
import type { Caller } from '@shared/identity/caller';
import type { Mailbox } from '@shared/tenancy/model';
import { administeredTenant } from '@shared/tenancy/administered-tenant';
import { requirePlatformAdmin } from '@shared/identity/access-rules';
import { signedIn, type SignedInDeps } from '@shared/http/signed-in';
import { jsonBody } from '@shared/http/json-body';
import type { EmailIdentities } from '@shared/domains/email-identities';
import {
  addDomain,
  createIdentities,
  MAX_DOMAINS_PER_TENANT,
  removeDomain,
  type DomainDeps,
} from '@shared/domains/tenant-domains';
import type { TenancyStore } from '@shared/tenancy/tenancy-store';
import { createTenant, tenantView, updateTenant } from '@shared/tenancy/tenants';
import { platformUsage, usageCsv } from '@shared/tenancy/usage';
import { csv } from '@shared/http/csv-response';
import {
  addDomainSchema,
  domainPathSchema,
  domainSchema,
  formatSchema,
  pageQuerySchema,
  tenantPathSchema,
} from '@shared/http/request-schemas';

/** Seats a tenant may buy; a sanity bound, not a price list. */
export const MAX_SEATS = 100_000;

const seats = z.number().check(z.int(), z.minimum(0), z.maximum(MAX_SEATS));

const createSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  tier: z.enum(TIER_NAMES),
  /** Optional: domains can be added later (POST /admin/tenants/{tenantId}/domains). */
  domains: z._default(z.array(domainSchema).check(z.maxLength(MAX_DOMAINS_PER_TENANT)), []),
  largeMailboxSeats: z._default(seats, 0),
});

const patchSchema = z
  .strictObject({
    tier: z.optional(z.enum(TIER_NAMES)),
    largeMailboxSeats: z.optional(seats),
    // Recovery window and Junk / Deleted Items retention (issue 11); replaces the whole setting.
    mailRetention: z.optional(mailRetentionSchema),
  })
  .check(
    z.refine((body) => Object.keys(body).length > 0, {
      message: 'give tier, largeMailboxSeats, mailRetention or several',
    }),
  );

export interface AdminApiDeps extends SignedInDeps {
  store: TenancyStore;
  tiers: TierTable;
  emailIdentities: EmailIdentities;
  /** The SES region, named in the DNS records a domain needs. */
  region: string;
}

/** The platform operator's API: tenants, tiers, seats, domains, usage. Platform-admin only. */
export function createAdminHandler(deps: AdminApiDeps) {
  const now = deps.now ?? (() => new Date());
  const domains: DomainDeps = deps;
  const platformAdminOf = async (event: ApiEvent): Promise<[Caller, Mailbox]> => {
    const { caller, own } = await signedIn(deps, event);
    requirePlatformAdmin(caller, own);
    return [caller, own];
  };
  return routedHandler('admin', platformAdminOf, {
    'POST /admin/tenants': async (event) => {
      const input = createSchema.parse(jsonBody(event));
      const tenant = await createTenant(deps.store, input, now());
      await createIdentities(domains, tenant.domains);
      return json(201, tenantView(tenant), { location: `/admin/tenants/${tenant.id}` });
    },
    'GET /admin/tenants': async (event) => {
      const query = pageQuerySchema.parse(event.queryStringParameters ?? {});
      const page = await deps.store.listTenants(query.limit, query.cursor);
      return json(200, { items: page.items.map(tenantView), nextCursor: page.next ?? null });
    },
    'PATCH /admin/tenants/{tenantId}': async (event, caller, own) => {
      const { tenantId } = tenantPathSchema.parse(event.pathParameters ?? {});
      const changes = patchSchema.parse(jsonBody(event));
      const tenant = await administeredTenant(deps.store, caller, own, tenantId);
      const result = await updateTenant(deps.store, deps.tiers, tenant, changes);
      return json(200, {
        ...tenantView(result.tenant),
        mailRetention: retentionOf(result.tenant),
        quotasUpdated: result.quotasUpdated,
      });
    },
    'POST /admin/tenants/{tenantId}/domains': async (event, caller, own) => {
      const { tenantId } = tenantPathSchema.parse(event.pathParameters ?? {});
      const { domain } = addDomainSchema.parse(jsonBody(event));
      const tenant = await administeredTenant(deps.store, caller, own, tenantId);
      const { created, view } = await addDomain(domains, tenant, domain);
      return json(created ? 201 : 200, view, {
        location: `/tenants/${tenant.id}/domains`,
      });
    },
    'DELETE /admin/tenants/{tenantId}/domains/{domain}': async (event, caller, own) => {
      const { tenantId, domain } = domainPathSchema.parse(event.pathParameters ?? {});
      const tenant = await administeredTenant(deps.store, caller, own, tenantId);
      await removeDomain(domains, tenant, domain);
      return { statusCode: 204 };
    },
    'GET /admin/usage': async (event) => {
      const { format } = formatSchema.parse(event.queryStringParameters ?? {});
      const at = now();
      const usage = await platformUsage(deps.store, at);
      if (format === 'csv') return csv(usageCsv(usage.tenants), 'sesame-usage.csv');
      return json(200, { generatedAt: at.toISOString(), ...usage });
    },
  });
}
