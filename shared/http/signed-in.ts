import type { Caller } from '../identity/caller';
import type { MailStore } from '../mailbox/mail-store';
import { ownMailbox } from '../mailbox/own-mailbox';
import type { Mailbox } from '../tenancy/model';
import type { ApiEvent } from './http-stack';
import { callerOf } from './identity';

/** What every signed-in route needs: the mailboxes, and a clock the tests can set. */
export interface SignedInDeps {
  mail: Pick<MailStore, 'getMailbox' | 'markSeen'>;
  now?: () => Date;
}

/** The caller, from the token, and their own mailbox: active and in the token's tenant. */
export async function signedIn(
  deps: SignedInDeps,
  event: ApiEvent,
): Promise<{ caller: Caller; own: Mailbox }> {
  const caller = callerOf(event);
  const own = await ownMailbox(deps.mail, caller, deps.now?.() ?? new Date());
  return { caller, own };
}
