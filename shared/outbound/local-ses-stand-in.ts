import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalOutboxMailer } from './local-outbox-mailer';
import type { Mailer, OutboundMessage } from './mailer';

/** Where the stand-in leaves SES's events (SNS notifications) for the local runtime to queue. */
export const SES_EVENTS_DIR = 'ses-events';

/** SES's mailbox simulator: each address makes SES behave one way, so every path is tested. */
export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

type SesEventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint';

function isSimulator(address: string, local: string): boolean {
  return address.toLowerCase() === `${local}@${SIMULATOR_DOMAIN}`;
}

/** A Message-ID header line and its folded continuation lines. */
const MESSAGE_ID_HEADER = /^message-id:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*/im;

/** The region the stand-in names in the Message-IDs it gives, as SES does with its own. */
const LOCAL_SES_REGION = 'eu-west-1';

/**
 * SES replaces the Message-ID of what it sends with `<id@<region>.amazonses.com>`; so does the
 * stand-in, so that replies from outside name that id locally too. Only the header block is
 * looked at; a message with no Message-ID gets one.
 */
function withSesMessageId(raw: Uint8Array, sesId: string): Buffer {
  const bytes = Buffer.from(raw);
  const end = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
  const line = `Message-ID: <${sesId}@${LOCAL_SES_REGION}.amazonses.com>`;
  const replaced = MESSAGE_ID_HEADER.test(head)
    ? head.replace(MESSAGE_ID_HEADER, line)
    : `${line}\r\n${head}`;
  return Buffer.concat([Buffer.from(replaced, 'latin1'), bytes.subarray(head.length)]);
}

/**
 * SES sending on one machine: each message is written as `.eml` under the outbox (as
 * LocalOutboxMailer does) and the events SES would publish through the configuration set's SNS
 * destination are written beside it, one JSON file each, for the local runtime to hand to the
 * send-events function through its queue. Recipients at the mailbox simulator get what SES
 * gives them: `success@` a delivery, `bounce@` a permanent bounce (5.1.1), `complaint@` a
 * delivery then a complaint, `suppressionlist@` a permanent bounce because the address is
 * suppressed; any other address a delivery (the outbox accepted it).
 */
export class LocalSesStandIn implements Mailer {
  private readonly outbox: LocalOutboxMailer;

  constructor(
    private readonly outboxDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.outbox = new LocalOutboxMailer(outboxDir);
  }

  async send(message: OutboundMessage): Promise<string> {
    const sesId = `local-${randomUUID()}`;
    await this.outbox.send({ ...message, raw: withSesMessageId(message.raw, sesId) });
    const mail = {
      timestamp: this.now().toISOString(),
      messageId: sesId,
      source: message.from,
      destination: message.to,
      tags: {},
    };
    const at = this.now().toISOString();
    const events: { eventType: SesEventType; [detail: string]: unknown }[] = [
      { eventType: 'Send', mail, send: {} },
    ];
    const delivered = message.to.filter(
      (to) => !isSimulator(to, 'bounce') && !isSimulator(to, 'suppressionlist'),
    );
    if (delivered.length > 0) {
      events.push({
        eventType: 'Delivery',
        mail,
        delivery: {
          timestamp: at,
          recipients: delivered,
          smtpResponse: '250 2.6.0 Message received',
          processingTimeMillis: 0,
        },
      });
    }
    for (const to of message.to) {
      if (isSimulator(to, 'bounce') || isSimulator(to, 'suppressionlist')) {
        const suppressed = isSimulator(to, 'suppressionlist');
        events.push({
          eventType: 'Bounce',
          mail,
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: suppressed ? 'Suppressed' : 'General',
            bouncedRecipients: [
              {
                emailAddress: to,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: suppressed
                  ? 'Amazon SES did not send the message to this address because it is on the suppression list.'
                  : 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp: at,
            feedbackId: randomUUID(),
          },
        });
      }
      if (isSimulator(to, 'complaint')) {
        events.push({
          eventType: 'Complaint',
          mail,
          complaint: {
            complainedRecipients: [{ emailAddress: to }],
            timestamp: at,
            feedbackId: randomUUID(),
            complaintFeedbackType: 'abuse',
          },
        });
      }
    }
    const dir = join(this.outboxDir, SES_EVENTS_DIR);
    await mkdir(dir, { recursive: true });
    for (const [n, event] of events.entries()) {
      const sns = {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:sesame-ses-events',
        Message: JSON.stringify(event),
        Timestamp: at,
      };
      // Named so that a directory listing yields them in the order SES publishes them.
      const path = join(dir, `${Date.now()}-${sesId}-${n}.json`);
      await writeFile(`${path}.tmp`, JSON.stringify(sns));
      await rename(`${path}.tmp`, path);
    }
    return sesId;
  }
}
