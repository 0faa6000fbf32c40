import { createHash } from 'node:crypto';
import type { BlobStore } from '../blob/blob-store';
import type { AttachmentMeta, MessageRecord } from '../mailbox/model';
import type { ParsedMail } from '../mime/parse-message';

/** Bodies up to this size live on the message item; larger ones go to the attachments bucket. */
export const INLINE_BODY_BYTES = 64 * 1024;

export interface PartStoreDeps {
  blobs: BlobStore;
  attachmentsBucket: string;
}

/**
 * `attachments/<sesMessageId>/<n>`: chosen by code, never the sender's file name. One object per
 * SES message, shared by all its recipients' items; a redelivery writes the same bytes again.
 */
export function attachmentKey(sesMessageId: string, index: number): string {
  return `attachments/${sesMessageId}/${index}`;
}

/**
 * Keeps small bodies on the item and moves large ones to the attachments bucket, once per
 * SES message (every recipient's item points at the same object).
 */
export async function placeBody(
  mail: ParsedMail,
  sesMessageId: string,
  deps: PartStoreDeps,
): Promise<Pick<MessageRecord, 'text' | 'html' | 'bodyKey'>> {
  const bytes = Buffer.byteLength(mail.text ?? '') + Buffer.byteLength(mail.html ?? '');
  if (bytes <= INLINE_BODY_BYTES) {
    return {
      ...(mail.text !== undefined && { text: mail.text }),
      ...(mail.html && { html: mail.html }),
    };
  }
  const bodyKey = `bodies/${sesMessageId}.json`;
  const body = JSON.stringify({ text: mail.text, html: mail.html });
  await deps.blobs.put(deps.attachmentsBucket, bodyKey, body, 'application/json');
  return { bodyKey };
}

/** Stores every attachment and inline part as its own object and describes it for the item. */
export async function storeAttachments(
  mail: ParsedMail,
  sesMessageId: string,
  deps: PartStoreDeps,
): Promise<AttachmentMeta[]> {
  const metas: AttachmentMeta[] = [];
  for (const [i, attachment] of mail.attachments.entries()) {
    const index = i + 1;
    const { content, ...meta } = attachment;
    const key = attachmentKey(sesMessageId, index);
    await deps.blobs.put(deps.attachmentsBucket, key, content, 'application/octet-stream');
    metas.push({
      ...meta,
      index,
      sha256: createHash('sha256').update(content).digest('hex'),
      key,
    });
  }
  return metas;
}
