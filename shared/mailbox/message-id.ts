import { createHash } from 'node:crypto';
import { normaliseAddress } from '../address/address';

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
