import * as z from '../validation/zod';
import { S3_MAX_PARTS, SHARE_LIMITS } from './limits';

/**
 * What an uploader declares about a file before its parts go to S3: staff through `POST
 * /shares`, outsiders through a request link (`POST /r/{token}/files`). One schema for both, so
 * both edges refuse the same names, sizes, types and checksums.
 */
export const newShareFileFields = {
  name: z.string().check(z.minLength(1), z.maxLength(1024)),
  size: z.number().check(z.int(), z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
  contentType: z
    .string()
    .check(
      z.maxLength(SHARE_LIMITS.maxContentTypeChars),
      z.regex(
        /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i,
        'a media type such as application/pdf',
      ),
    ),
  sha256: z.optional(z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 of the file'))),
};

/** The part numbers a client asks URLs for (`POST /shares/{id}/parts` and its request twin). */
export const partNumbersSchema = z.strictObject({
  partNumbers: z
    .array(z.number().check(z.int(), z.minimum(1), z.maximum(S3_MAX_PARTS)))
    .check(z.minLength(1), z.maxLength(SHARE_LIMITS.maxPartUrlsPerRequest)),
});
