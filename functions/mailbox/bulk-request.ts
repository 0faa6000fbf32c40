import * as z from '@shared/validation/zod';
import { BULK_LIMITS, messageChangeSchema, messageIdSchema } from '@shared/mailbox/message-actions';
import { searchFilterSchema } from './search-query';

/**
 * POST /mailboxes/me/messages/bulk: which messages, named (`ids`) or a search's results
 * (`query`, parsed as GET /mailboxes/me/search parses one), and one action, `update` or
 * `delete`.
 */
export const bulkRequestSchema = z
  .strictObject({
    ids: z.optional(
      z.array(messageIdSchema).check(z.minLength(1), z.maxLength(BULK_LIMITS.maxIds)),
    ),
    query: z.optional(searchFilterSchema),
    update: z.optional(messageChangeSchema),
    delete: z.optional(z.literal(true)),
  })
  .check(
    z.refine((body) => (body.ids === undefined) !== (body.query === undefined), {
      message: 'give exactly one of ids or query',
    }),
    z.refine((body) => (body.update === undefined) !== (body.delete === undefined), {
      message: 'give exactly one action: update or delete',
    }),
  );
