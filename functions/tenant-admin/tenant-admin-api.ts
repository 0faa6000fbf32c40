import { z } from 'zod';
import type { TierTable } from '@shared/config/tiers';
import { csv } from '@shared/http/csv-response';
import { formatSchema, tenantPathSchema } from '@shared/http/request-schemas';
import { json, type ApiEvent } from '@shared/http/http-stack';
import { routedHandler } from '@shared/http/route-dispatch';
import type { Caller } from '@shared/identity/caller';
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
import { createUser, transferUser, updateUser, userView } from '@shared/tenancy/users';

const text = (max: number) => z.string().trim().min(1).max(max);
const role = z.enum(['user', 'tenant-admin']);
/** A platform admin may also store `platform-admin` on a mailbox (updateUser checks who asks). */
const storedRole = z.enum(['user', 'tenant-admin', 'platform-admin']);

const userPath = tenantPathSchema.extend({ address: z.email().max(254) });
const jobPath = tenantPathSchema.extend({ jobId: z.uuid() });

const createUserSchema = z
  .object({
    address: z.email().max(254),
    displayName: text(128),
    jobTitle: text(128).optional(),
    role: role.optional(),
  })
  .strict();

const patchUserSchema = z
  .object({
    displayName: text(128).optional(),
    jobTitle: text(128).optional(),
    role: storedRole.optional(),
    largeMailbox: z.boolean().optional(),
    status: z.literal('leaver').optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' });

const transferSchema = z
  .object({ toTenantId: z.string().min(1).max(64), dryRun: z.boolean().default(false) })
  .strict();

const runSchema = z.object({ dryRun: z.boolean().default(false) }).strict();

export interface TenantAdminApiDeps extends SignedInDeps {
  store: TenancyStore;
  /** Sign-in accounts: created, regrouped, disabled and moved with the users. */
  identities: Identities;
  files: ImportFiles;
  tiers: TierTable;
  emailIdentities: EmailIdentities;
  /** The SES region, named in the DNS records a domain needs. */
  region: string;
}

/**
 * A tenant administrator's API: users, bulk import, leavers, transfers, add-ons, domains, usage. A
 * tenant admin acts on their own tenant, a platform admin on any; everyone else gets 403 on
 * their own tenant and 404 on another's, before any input is looked at.
 */
export function createTenantAdminHandler(deps: TenantAdminApiDeps) {
  const now = deps.now ?? (() => new Date());
  const administeredOf = async (event: ApiEvent): Promise<[Tenant, Caller]> => {
    const { caller, own } = await signedIn(deps, event);
    const { tenantId } = tenantPathSchema.parse(event.pathParameters ?? {});
    return [await administeredTenant(deps.store, caller, own, tenantId), caller];
  };
  return routedHandler('tenant-admin', administeredOf, {
    'POST /tenants/{tenantId}/users': async (event, tenant) => {
      const input = createUserSchema.parse(jsonBody(event));
      const user = await createUser(deps.store, deps.identities, deps.tiers, tenant, input, now());
      return json(201, userView(user), {
        location: `/tenants/${tenant.id}/users/${encodeURIComponent(user.address)}`,
      });
    },
    'PATCH /tenants/{tenantId}/users/{address}': async (event, tenant, caller) => {
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
        caller,
      );
      return json(200, userView(user));
    },
    'POST /tenants/{tenantId}/users/{address}/transfer': async (event, from, caller) => {
      const { address } = userPath.parse(event.pathParameters ?? {});
      const { toTenantId, dryRun } = transferSchema.parse(jsonBody(event));
      // The leaving organisation's admin moves the user; the receiving tenant is not asked
      // (a known gap, see the README): its id must be known, as ids are random.
      const plan = await transferUser(
        deps.store,
        deps.identities,
        deps.tiers,
        from,
        address,
        toTenantId,
        dryRun,
        caller,
      );
      return json(200, plan);
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
  });
}
