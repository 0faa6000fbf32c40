import * as z from '../validation/zod';
import { MESSAGE_ID_PATTERN } from '../mailbox/message-id';
import { MAX_HEADER_VALUE_CHARS } from './header-safety';

/** The most recipients the schema lets through; the tier's own limit is checked after it. */
export const MAX_RECIPIENTS_ACCEPTED = 1_000;
/** A body larger than the API accepts (10 MB) never reaches us; this bounds the JSON field. */
const MAX_BODY_CHARS = 10 * 1024 * 1024;

const messageId = z
  .string()
  .check(z.regex(MESSAGE_ID_PATTERN, 'a message id is 32 lowercase hex characters'));

const addressInput = z.union([
  z.string().check(z.maxLength(1_000)),
  z.strictObject({
    address: z.string().check(z.maxLength(1_000)),
    name: z.optional(z.string().check(z.maxLength(MAX_HEADER_VALUE_CHARS))),
  }),
]);

const addressList = z._default(
  z.array(addressInput).check(z.maxLength(MAX_RECIPIENTS_ACCEPTED)),
  [],
);

/** An attachment: an upload, a part of a message of the caller's, or a share of the caller's. */
const attachmentRef = z.union([
  z.strictObject({ uploadId: z.string().check(z.regex(/^[0-9a-f]{32}$/)) }),
  z.strictObject({
    messageId,
    n: z.number().check(z.int(), z.minimum(1), z.maximum(100_000)),
  }),
  z.strictObject({ shareId: z.string().check(z.maxLength(100)) }),
]);

/** What `POST /mailboxes/me/send` and a draft take. */
export const sendRequestSchema = z.strictObject({
  to: addressList,
  cc: addressList,
  bcc: addressList,
  subject: z._default(z.string().check(z.maxLength(MAX_HEADER_VALUE_CHARS)), ''),
  text: z.optional(z.string().check(z.maxLength(MAX_BODY_CHARS))),
  html: z.optional(z.string().check(z.maxLength(MAX_BODY_CHARS))),
  attachments: z._default(z.array(attachmentRef).check(z.maxLength(100)), []),
  /** The message of the caller's this answers; `forwardOf` the one it forwards. */
  replyTo: z.optional(messageId),
  forwardOf: z.optional(messageId),
  /** Quote the original (reply or forward) below the new text. */
  quote: z.optional(z.boolean()),
  importance: z.optional(z.enum(['low', 'normal', 'high'])),
  /**
   * [secure] delivery: outside recipients get a personal link to read it after a one-time
   * code, never the message itself. `[secure]` in the subject asks for the same.
   */
  secure: z.optional(z.boolean()),
  /** Custom headers, from ALLOWED_CUSTOM_HEADERS only; X-SES-* is dropped. */
  headers: z.optional(
    z.record(
      z.string().check(z.maxLength(100)),
      z.string().check(z.maxLength(MAX_HEADER_VALUE_CHARS)),
    ),
  ),
});

export type SendRequest = z.infer<typeof sendRequestSchema>;
export type AttachmentRef = SendRequest['attachments'][number];
