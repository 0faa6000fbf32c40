import * as z from '@shared/validation/zod';
import { pageFields } from '@shared/http/request-schemas';

/** `true` or `false`: a string in a query string, a boolean in a JSON body (bulk by search). */
const flag = z.optional(
  z.pipe(
    z.union([z.boolean(), z.enum(['true', 'false'])]),
    z.transform((value) => value === true || value === 'true'),
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
 * What a search asks for, without paging: the one parser of a search, for GET
 * /mailboxes/me/search and for a bulk action's `query`. `q` is bounded generously here; its
 * own limit (and the number of terms) is the domain's, with codes of their own
 * (shared/search/search-errors).
 */
export const searchFilterFields = {
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
};

/** A bulk action's `query` (POST /mailboxes/me/messages/bulk). */
export const searchFilterSchema = z.strictObject(searchFilterFields);

/** GET /mailboxes/me/search. */
export const searchQuerySchema = z.strictObject({ ...searchFilterFields, ...pageFields });
