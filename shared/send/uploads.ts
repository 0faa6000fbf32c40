import { randomBytes } from 'node:crypto';
import type { UploadLinks } from '../blob/upload-links';
import { UPLOAD_PREFIX } from '../config/resource-names';
import type { TierLimits } from '../config/tiers';
import type { Mailbox } from '../tenancy/model';
import * as z from '../validation/zod';
import { MessageTooLargeError } from './errors';
import { assertHeaderSafe } from './header-safety';

/** How long the PUT URL of an upload is valid; the upload itself is kept a day (TTL). */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const UPLOAD_KEEP_SECONDS = 24 * 3600;

export const uploadRequestSchema = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  size: z.number().check(z.int(), z.minimum(1)),
  contentType: z
    .string()
    .check(z.maxLength(127), z.regex(/^[\w.+-]+\/[\w.+-]+$/, 'a type/subtype media type')),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** An attachment uploaded for a message to come: the caller's alone. */
export interface UploadRecord {
  id: string;
  name: string;
  size: number;
  contentType: string;
  key: string;
  createdAt: string;
  /** Epoch seconds: DynamoDB's TTL removes the record after it. */
  expiresAt: number;
}

export interface UploadStore {
  putUpload(address: string, upload: UploadRecord): Promise<void>;
  getUpload(address: string, id: string): Promise<UploadRecord | undefined>;
}

/**
 * Registers an upload and answers a presigned PUT URL for its bytes (to the attachments bucket,
 * under `uploads/`), for exactly the declared size and type, no larger than the tier's largest
 * message. The name is a header value of the message to come, so it is checked like one.
 */
export async function createUpload(
  deps: { uploads: UploadStore; links: UploadLinks; attachmentsBucket: string },
  mailbox: Mailbox,
  tier: Pick<TierLimits, 'maxMessageBytes'>,
  request: UploadRequest,
  now: Date = new Date(),
): Promise<{ id: string; url: string; expiresAt: string }> {
  assertHeaderSafe('name', request.name);
  if (request.size > tier.maxMessageBytes) {
    throw new MessageTooLargeError(`An attachment may be at most ${tier.maxMessageBytes} bytes.`);
  }
  const id = randomBytes(16).toString('hex');
  const key = `${UPLOAD_PREFIX}${id}`;
  const name = request.name.replace(/[/\\]/g, '_');
  await deps.uploads.putUpload(mailbox.address, {
    id,
    name,
    size: request.size,
    contentType: request.contentType,
    key,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + UPLOAD_KEEP_SECONDS,
  });
  const url = await deps.links.signPut(
    { bucket: deps.attachmentsBucket, key },
    { size: request.size, contentType: request.contentType },
    UPLOAD_URL_SECONDS,
  );
  return { id, url, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() };
}
