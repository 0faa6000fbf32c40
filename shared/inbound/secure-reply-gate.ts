import { normaliseAddress } from '../address/address';
import { SECURE_REPLY_KEY_PREFIX } from '../config/resource-names';
import type { SesReceiptNotification } from './ses-notification';

/** A [secure] message's one reply is named `secure-reply-<sha256 of the recipient's token>`. */
export const SECURE_REPLY_ID_PREFIX = SECURE_REPLY_KEY_PREFIX.slice(
  SECURE_REPLY_KEY_PREFIX.indexOf('/') + 1,
);

/** The claim share-public made before handing a reply over (the SECURE# record's facts). */
export interface SecureReplyClaim {
  /** The sender of the secure message: the only mailbox the reply may go to. */
  owner: string;
  /** The outsider who proved their address with the code: the reply's only author. */
  recipient: string;
}

/** The port: the claimed reply of a recipient record, or undefined if none was claimed. */
export interface SecureReplyClaims {
  claimedReply(tokenHash: string): Promise<SecureReplyClaim | undefined>;
}

const TOKEN_HASH = /^[0-9a-f]{64}$/;

/**
 * Whether ingest may take a notification that claims to be a secure reply (by its id or by its
 * object's key): only if the public page claimed that very reply (one conditional write on the
 * recipient's record), its object is where that reply is stored, and its only recipient is the
 * message's sender. The public function can publish to the inbound topic, and may write only a
 * record's code, session and reply marks (IAM, never its owner or recipient): this keeps what
 * it names a secure reply to the one outsider's reply to the one sender. Notifications not named
 * so pass as SES's (the closing note of issue 10 says what that leaves open).
 */
export async function admitsSecureReply(
  notification: SesReceiptNotification,
  claims: SecureReplyClaims | undefined,
): Promise<boolean> {
  const id = notification.mail.messageId;
  const key = notification.receipt.action.objectKey;
  if (!id.startsWith(SECURE_REPLY_ID_PREFIX) && !key.startsWith(SECURE_REPLY_KEY_PREFIX)) {
    return true;
  }
  const tokenHash = id.slice(SECURE_REPLY_ID_PREFIX.length);
  if (!claims || !TOKEN_HASH.test(tokenHash) || key !== `${SECURE_REPLY_KEY_PREFIX}${tokenHash}`) {
    return false;
  }
  const claim = await claims.claimedReply(tokenHash);
  // A record the page could have made up (an update creates a missing item) names no one.
  if (typeof claim?.owner !== 'string' || typeof claim.recipient !== 'string') return false;
  const recipients = notification.receipt.recipients.map(normaliseAddress);
  return (
    recipients.length === 1 &&
    recipients[0] === normaliseAddress(claim.owner) &&
    normaliseAddress(notification.mail.source) === normaliseAddress(claim.recipient)
  );
}
