import { SENT_MAIL_PREFIX } from '../config/resource-names';
import type { DeliveryStatus } from '../mailbox/model';
import type { Mailbox } from '../tenancy/model';
import { composeMime, type ComposeInput } from './compose-mime';
import { recipientLines, withLinkLines, type LinkedAttachment } from './linked-attachments';
import type { SendDeps } from './send-message';
import type { SentCopyRef } from './send-state';

/**
 * Delivers a message whose files went as links: each recipient's copy carries their own links,
 * so each is its own message (same Message-ID, same everything else). A hosted recipient's copy
 * is stored as `sent/<sendId>-<n>.eml` and indexed by the ingest pipeline under its own id (its
 * references purge it with the last copy); an outside recipient's goes to SES alone.
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
    copy: SentCopyRef;
    at: Date;
    /** Filled in: each recipient's status, and SES's ids. */
    statuses: Record<string, DeliveryStatus>;
    outboundIds: string[];
  },
): Promise<void> {
  const at = input.at.toISOString();
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
      at: input.at,
    });
    const delivered = outcome?.outcome === 'indexed' || outcome?.outcome === 'duplicate';
    input.statuses[recipient] = delivered
      ? { status: 'delivered', at }
      : { status: 'bounced', at, detail: outcome?.outcome ?? 'not delivered' };
  }
  for (const recipient of input.external) {
    try {
      const sesId = await deps.outbound.send({
        from: input.mailbox.address,
        to: [recipient],
        raw: await compose(recipient),
      });
      input.outboundIds.push(sesId);
      await deps.state.recordOutbound(sesId, input.copy);
      input.statuses[recipient] = { status: 'sent', at };
    } catch (error) {
      const detail = error instanceof Error ? error.message.slice(0, 200) : 'send failed';
      input.statuses[recipient] = { status: 'failed', at, detail };
    }
  }
}
