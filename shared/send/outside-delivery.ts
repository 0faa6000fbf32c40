import type { DeliveryStatus } from '../mailbox/model';
import type { OutboundMessage } from '../outbound/mailer';
import type { SendDeps } from './send-message';
import type { SentCopyRef } from './send-state';

/** Where a send's outside deliveries are recorded: each recipient's status, and SES's ids. */
export interface OutsideDeliveries {
  copy: SentCopyRef;
  at: Date;
  statuses: Record<string, DeliveryStatus>;
  outboundIds: string[];
}

/**
 * One message through SES (or the stand-in) to outside recipients, the one way every send does
 * it: SES's id recorded against the Sent copy (its events find it), each recipient `sent`, or
 * `failed` with why. A failure is recorded on the Sent copy rather than lost: the sender sees
 * who did not get it. True when SES took it.
 */
export async function deliverOutside(
  deps: Pick<SendDeps, 'outbound' | 'state'>,
  message: Omit<OutboundMessage, 'raw'> & {
    /** The bytes, or how to compose them (a failure to is recorded like SES's refusal). */
    raw: Uint8Array | (() => Promise<Uint8Array>);
  },
  into: OutsideDeliveries,
  detail?: string,
): Promise<boolean> {
  const at = into.at.toISOString();
  try {
    const raw = typeof message.raw === 'function' ? await message.raw() : message.raw;
    const sesId = await deps.outbound.send({ ...message, raw });
    into.outboundIds.push(sesId);
    await deps.state.recordOutbound(sesId, into.copy);
    for (const r of message.to)
      into.statuses[r] = { status: 'sent', at, ...(detail && { detail }) };
    return true;
  } catch (error) {
    const why = error instanceof Error ? error.message.slice(0, 200) : 'send failed';
    for (const r of message.to) into.statuses[r] = { status: 'failed', at, detail: why };
    return false;
  }
}
