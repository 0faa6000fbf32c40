import { z } from 'zod';
import { DOMAIN_NAME_PATTERN } from '../address/address';

/** A DNS name of at least two labels, lower-cased (as the CDK context checks hosted domains). */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(DOMAIN_NAME_PATTERN, 'must be a domain name such as trust.nhs.example');

/** The body of POST /admin/tenants/{tenantId}/domains. */
export const addDomainSchema = z.object({ domain: domainSchema }).strict();

export const PAGE_LIMITS = { min: 1, max: 100, default: 25 } as const;

/** The paging fields every list route takes: `limit` (1..100, default 25) and `cursor`. */
export const pageFields = {
  limit: z.coerce
    .number()
    .int()
    .min(PAGE_LIMITS.min)
    .max(PAGE_LIMITS.max)
    .default(PAGE_LIMITS.default),
  cursor: z.string().min(1).max(2048).optional(),
};

export const pageQuerySchema = z.object(pageFields).strict();

export const tenantPathSchema = z.object({ tenantId: z.string().min(1).max(64) });

/** The path of DELETE /admin/tenants/{tenantId}/domains/{domain}. */
export const domainPathSchema = tenantPathSchema.extend({ domain: domainSchema });

export const formatSchema = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();
