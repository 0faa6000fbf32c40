import { ForbiddenError } from '../identity/access-rules';
import type { Caller } from '../identity/caller';
import { lastSeenUpdate } from '../tenancy/last-seen';
import type { Mailbox } from '../tenancy/model';
import type { MailStore } from './mail-store';

/**
 * The caller's own mailbox, checked against the token on every request: it must exist, belong
 * to the tenant the token names, and be active.
 */
export async function ownMailbox(
  store: Pick<MailStore, 'getMailbox' | 'markSeen'>,
  caller: Caller,
  now: Date = new Date(),
): Promise<Mailbox> {
  const mailbox = await store.getMailbox(caller.address);
  if (!mailbox || mailbox.tenantId !== caller.tenantId) {
    throw new ForbiddenError('The token does not match a mailbox of its tenant.');
  }
  if (mailbox.status !== 'active') throw new ForbiddenError('This account is disabled.');
  // "Active users" in the usage report: one conditional write an hour at most (issue 4).
  const seen = lastSeenUpdate(mailbox, now);
  if (seen) await store.markSeen(mailbox.address, seen.at, seen.staleBefore);
  return mailbox;
}
