import { createHash } from 'node:crypto';

/** 32 lowercase hex characters: the first 128 bits of a SHA-256. */
export const MESSAGE_ID_PATTERN = /^[0-9a-f]{32}$/;

/**
 * A message's id in one mailbox, derived from the SES message id and the recipient, so that a
 * redelivered notification maps onto the same item and indexing it again is a no-op.
 */
export function deriveMessageId(sesMessageId: string, recipient: string): string {
  return createHash('sha256')
    .update(sesMessageId)
    .update('\n')
    .update(normaliseAddress(recipient))
    .digest('hex')
    .slice(0, 32);
}

/** Mailbox addresses compare case-insensitively; we store them lower-cased. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The domain part of an address, lower-cased. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : normaliseAddress(address.slice(at + 1));
}
