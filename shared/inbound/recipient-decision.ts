import { domainOf } from '../address/address';
import type { Mailbox } from '../tenancy/model';
import type { MailStore } from '../mailbox/mail-store';
import type { BounceReason } from '../outbound/dsn-bounce';
import { deliveryDecision } from '../tenancy/leaver';

/** What ingest does for one envelope recipient. */
export type RecipientDecision =
  | { kind: 'deliver'; mailbox: Mailbox }
  | { kind: 'bounce'; reason: BounceReason }
  /**
   * SES accepts every verified domain of the account (the receipt rule names none); one no
   * tenant holds in the table (released, or not yet claimed) is recorded as refused for an
   * operator to see (shared/inbound/refusals), never silently dropped.
   */
  | { kind: 'not-hosted' };

/**
 * The one place that decides a recipient's fate before indexing; new rules go here, not in
 * ingestMessage. Over-quota is decided later, atomically, by the store's transaction.
 */
export async function decideRecipient(
  store: Pick<MailStore, 'getMailbox' | 'findTenantIdByDomain'>,
  recipient: string,
  now: Date = new Date(),
): Promise<RecipientDecision> {
  const mailbox = await store.getMailbox(recipient);
  if (mailbox) {
    // A leaver's mail is accepted for a grace period, then bounced 5.1.1 (shared/tenancy/leaver).
    const leaver = deliveryDecision(mailbox, now);
    return leaver.action === 'deliver'
      ? { kind: 'deliver', mailbox }
      : { kind: 'bounce', reason: 'user-left' };
  }
  const hosted = await store.findTenantIdByDomain(domainOf(recipient));
  return hosted ? { kind: 'bounce', reason: 'no-mailbox' } : { kind: 'not-hosted' };
}
