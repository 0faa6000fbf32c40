import * as z from '../validation/zod';
import { DOMAIN_NAME_PATTERN } from '../address/address';

/** A DNS name of at least two labels, lower-cased (as the CDK context checks hosted domains). */
export const domainSchema = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(DOMAIN_NAME_PATTERN, 'must be a domain name such as trust.nhs.example'),
  );

/** The body of POST /admin/tenants/{tenantId}/domains. */
export const addDomainSchema = z.strictObject({ domain: domainSchema });

export const PAGE_LIMITS = { min: 1, max: 100, default: 25 } as const;

/** The paging fields every list route takes: `limit` (1..100, default 25) and `cursor`. */
export const pageFields = {
  limit: z._default(
    z.coerce.number().check(z.int(), z.minimum(PAGE_LIMITS.min), z.maximum(PAGE_LIMITS.max)),
    PAGE_LIMITS.default,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const pageQuerySchema = z.strictObject(pageFields);

export const tenantPathSchema = z.object({
  tenantId: z.string().check(z.minLength(1), z.maxLength(64)),
});

/** The path of DELETE /admin/tenants/{tenantId}/domains/{domain}. */
export const domainPathSchema = z.extend(tenantPathSchema, { domain: domainSchema });

export const formatSchema = z.strictObject({ format: z._default(z.enum(['json', 'csv']), 'json') });
