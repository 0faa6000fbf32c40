import * as z from '@shared/validation/zod';
import { pageFields } from '@shared/http/request-schemas';

/** `true` or `false` in a query string, as a boolean. */
const flag = z.optional(
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((value) => value === 'true'),
  ),
);

/** A day (`2026-12-01`, from its start in UTC) or an ISO time, as an ISO time. */
const instant = z.optional(
  z.pipe(
    z.string().check(
      z.regex(
        /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
        'must be a date (2026-12-01) or an ISO time (2026-12-01T08:00:00Z)',
      ),
      z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real date'),
    ),
    z.transform((value) => new Date(value).toISOString()),
  ),
);

/** An address or a domain, lower-cased (matched whole, as indexed). */
const party = z.optional(
  z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(320)),
);

/**
 * GET /mailboxes/me/search. `q` is bounded generously here; its own limit (and the number of
 * terms) is the domain's, with codes of their own (shared/search/search-errors).
 */
export const searchQuerySchema = z.strictObject({
  q: z.optional(z.string().check(z.maxLength(4096))),
  from: party,
  to: party,
  folder: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a folder is a role name or a folder id')),
  ),
  after: instant,
  before: instant,
  hasAttachment: flag,
  unread: flag,
  flagged: flag,
  ...pageFields,
});
