import type { SQSRecord } from 'aws-lambda';
import type { MailStore } from '../mailbox/mail-store';
import type { DeliveryStatus } from '../mailbox/model';
import { normaliseAddress } from '../address/address';
import { SYSTEM_SENDERS } from '../config/resource-names';
import { logger } from '../log/logger';
import { deliverSystemNotice, type SystemNoticeDeps } from '../mailbox/system-notice';
import type { BounceLedger } from '../inbound/bounce-recipient';
import * as z from '../validation/zod';
import type { SendStateStore } from './send-state';

/** An SES event as the configuration set's SNS destination publishes it (unknown fields pass). */
const sesEventSchema = z.looseObject({
  eventType: z.enum([
    'Send',
    'Delivery',
    'Bounce',
    'Complaint',
    'Reject',
    'DeliveryDelay',
    'Open',
    'Click',
    'Rendering Failure',
    'Subscription',
  ]),
  mail: z.looseObject({
    messageId: z.string().check(z.minLength(1)),
    destination: z._default(z.array(z.string()), []),
  }),
  delivery: z.optional(z.looseObject({ recipients: z.array(z.string()) })),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z.array(
        z.looseObject({
          emailAddress: z.string(),
          status: z.optional(z.string()),
          diagnosticCode: z.optional(z.string()),
        }),
      ),
    }),
  ),
  complaint: z.optional(
    z.looseObject({ complainedRecipients: z.array(z.looseObject({ emailAddress: z.string() })) }),
  ),
  reject: z.optional(z.looseObject({ reason: z.optional(z.string()) })),
  deliveryDelay: z.optional(
    z.looseObject({
      delayType: z.optional(z.string()),
      delayedRecipients: z.array(z.looseObject({ emailAddress: z.string() })),
    }),
  ),
});

export type SesEvent = z.infer<typeof sesEventSchema>;

const snsSchema = z.looseObject({ Type: z.literal('Notification'), Message: z.string() });

/** The SES event an SQS record carries (SQS body = SNS envelope, whose Message is the event). */
export function parseSesEventRecord(record: Pick<SQSRecord, 'body'>): SesEvent {
  const sns = snsSchema.parse(JSON.parse(record.body));
  return sesEventSchema.parse(JSON.parse(sns.Message));
}

export interface SesEventDeps extends SystemNoticeDeps {
  store: SystemNoticeDeps['store'] & Pick<MailStore, 'getMailbox'>;
  state: SendStateStore;
  /** One report per (SES message, recipient), however often SQS redelivers the event. */
  reports: BounceLedger;
  now?: () => Date;
}

function reportText(recipient: string, detail: string, about: string, permanent: boolean) {
  return [
    `Your message could not be delivered to ${recipient}.`,
    '',
    `Reason: ${detail}`,
    '',
    about,
    '',
    permanent
      ? 'The address will not be sent to again until an administrator of your organisation lifts its suppression.'
      : 'The receiving server gave up for now (a temporary failure); you may send it again later.',
  ].join('\n');
}

/**
 * Records what SES says about a message sesame sent: each recipient's status on the Sent copy;
 * on a permanent bounce or a complaint, the address is suppressed for the sender's tenant; on a
 * bounce, a readable non-delivery report lands in the sender's Inbox (once per recipient).
 * Events about messages sesame does not know (sent by something else, or long gone) are logged
 * and dropped. Idempotent: a redelivered event sets the same status and finds the report marked.
 */
export async function recordSesEvent(deps: SesEventDeps, event: SesEvent): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const at = now.toISOString();
  const sesId = event.mail.messageId;
  const copy = await deps.state.findOutbound(sesId);
  if (!copy) {
    logger.warn('SES event for an unknown message', { sesId, eventType: event.eventType });
    return;
  }
  const statuses: Record<string, DeliveryStatus> = {};
  const set = (address: string, status: DeliveryStatus) => {
    statuses[normaliseAddress(address)] = status;
  };
  switch (event.eventType) {
    case 'Delivery':
      for (const r of event.delivery?.recipients ?? []) set(r, { status: 'delivered', at });
      break;
    case 'Bounce': {
      const permanent = event.bounce?.bounceType === 'Permanent';
      const mailbox = await deps.store.getMailbox(copy.mailbox);
      for (const r of event.bounce?.bouncedRecipients ?? []) {
        const recipient = normaliseAddress(r.emailAddress);
        const detail = r.diagnosticCode ?? r.status ?? event.bounce?.bounceSubType ?? 'bounced';
        set(recipient, { status: 'bounced', at, detail: detail.slice(0, 500) });
        if (permanent) await deps.state.suppress(copy.tenantId, recipient, 'hard-bounce', now);
        if (mailbox && (await deps.reports.claim(sesId, recipient, 'ses-bounce'))) {
          await deliverSystemNotice(
            deps,
            mailbox,
            {
              kind: 'delivery-failure',
              sender: SYSTEM_SENDERS.bounces,
              subject: `Undeliverable: your message to ${recipient}`,
              text: reportText(recipient, detail, `Message id: ${copy.id}`, permanent),
            },
            now,
          );
        }
      }
      break;
    }
    case 'Complaint':
      for (const r of event.complaint?.complainedRecipients ?? []) {
        set(r.emailAddress, { status: 'complained', at });
        await deps.state.suppress(
          copy.tenantId,
          normaliseAddress(r.emailAddress),
          'complaint',
          now,
        );
      }
      break;
    case 'Reject':
      for (const r of event.mail.destination) {
        set(r, { status: 'rejected', at, detail: event.reject?.reason ?? 'rejected by SES' });
      }
      break;
    case 'DeliveryDelay':
      for (const r of event.deliveryDelay?.delayedRecipients ?? []) {
        set(r.emailAddress, {
          status: 'delayed',
          at,
          detail: event.deliveryDelay?.delayType ?? '',
        });
      }
      break;
    default:
      // Send, and the engagement events we do not ask for: nothing to record.
      return;
  }
  await deps.state.setDelivery(copy, statuses);
}
