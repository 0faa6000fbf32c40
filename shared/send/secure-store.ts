import type { Page } from '../tenancy/tenancy-store';
import type { SecureEvent, SecureRecipient } from './secure-model';

/**
 * The secure-message port (DynamoSecureMessages): a recipient's record under the hash of their
 * token, the audit trail under the send's secure id. Every step a race could double (a code
 * used twice, two replies) is one conditional write.
 */
export interface SecureMessageStore {
  createRecipient(record: SecureRecipient): Promise<void>;
  /** Undoes createRecipient for a send refused afterwards. */
  deleteRecipient(tokenHash: string): Promise<void>;
  /** Every outside recipient's record of one secure message (the sender's withdrawal). */
  listRecipients(secureId: string): Promise<SecureRecipient[]>;
  /** Withdraws one recipient's page; false if it was withdrawn already (or is gone). */
  revoke(tokenHash: string, now: Date): Promise<boolean>;
  /** The record under a token's hash, read strongly consistent. */
  getByTokenHash(tokenHash: string): Promise<SecureRecipient | undefined>;
  /** A new one-time code (its hash) replaces any earlier one; false if the record is gone. */
  setCode(tokenHash: string, codeHash: string, codeExpiresAt: string): Promise<boolean>;
  /**
   * Uses the code once: only if `codeHash` is the record's and not expired at `now`, removes
   * it, opens a session (its hash and expiry) and sets `openedAt` the first time.
   */
  openSession(
    tokenHash: string,
    codeHash: string,
    session: { hash: string; expiresAt: string },
    now: Date,
  ): Promise<boolean>;
  /** Marks the one reply sent, only within a live session and if none was; true for that call. */
  claimReply(tokenHash: string, sessionHash: string, now: Date): Promise<boolean>;
  /** Gives the reply back when it could not be handed to ingest. */
  releaseReply(tokenHash: string): Promise<void>;
  appendEvent(secureId: string, event: SecureEvent, keepUntil: string): Promise<void>;
  /** The trail, oldest first. */
  listEvents(secureId: string, limit: number, cursor?: string): Promise<Page<SecureEvent>>;
}
