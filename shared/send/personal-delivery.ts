import { SENT_MAIL_PREFIX } from '../config/resource-names';
import type { Mailbox } from '../tenancy/model';
import { composeMime, type ComposeInput } from './compose-mime';
import { hostedStatus } from './hosted-delivery';
import { recipientLines, withLinkLines, type LinkedAttachment } from './linked-attachments';
import { deliverOutside, type OutsideDeliveries } from './outside-delivery';
import type { SendDeps } from './send-message';

/**
 * Delivers a message whose files went as links: each recipient's copy carries their own links,
 * so each is its own message (same Message-ID, same everything else). A hosted recipient's copy
 * is stored as `sent/<sendId>-<n>.eml` and indexed by the ingest pipeline under its own id (its
 * references purge it with the last copy); an outside recipient's goes to SES alone. Each
 * recipient's status (and SES's ids) is filled into `into`.
 */
export async function deliverPersonalCopies(
  deps: Pick<SendDeps, 'blobs' | 'rawMailBucket' | 'hosted' | 'outbound' | 'state'>,
  input: {
    sendId: string;
    mailbox: Mailbox;
    base: ComposeInput;
    linked: LinkedAttachment[];
    hosted: string[];
    external: string[];
  },
  into: OutsideDeliveries,
): Promise<void> {
  const compose = (recipient: string) =>
    composeMime(withLinkLines(input.base, recipientLines(input.linked, recipient)));
  for (const [n, recipient] of input.hosted.entries()) {
    const raw = { bucket: deps.rawMailBucket, key: `${SENT_MAIL_PREFIX}${input.sendId}-${n}.eml` };
    await deps.blobs.put(raw.bucket, raw.key, await compose(recipient), 'message/rfc822');
    const [outcome] = await deps.hosted({
      sesMessageId: `${input.sendId}-${n}`,
      from: input.mailbox.address,
      recipients: [recipient],
      raw,
      at: into.at,
    });
    into.statuses[recipient] = hostedStatus(outcome, into.at);
  }
  for (const recipient of input.external) {
    const raw = () => compose(recipient);
    await deliverOutside(deps, { from: input.mailbox.address, to: [recipient], raw }, into);
  }
}
