import { randomUUID } from 'node:crypto';
import { SYSTEM_SENDERS } from '../config/resource-names';

/**
 * Why a recipient is bounced, with its RFC 3463 status and the SMTP text it would have got.
 * New causes are added here and decided in recipient-decision.ts.
 */
export const BOUNCE_REASONS = {
  'no-mailbox': {
    status: '5.1.1',
    smtp: '550 5.1.1 The email account that you tried to reach does not exist',
  },
  'over-quota': { status: '5.2.2', smtp: "552 5.2.2 The recipient's mailbox is full" },
  /** A leaver past the grace period (shared/tenancy/leaver): the address no longer takes mail. */
  'user-left': {
    status: '5.1.1',
    smtp: '550 5.1.1 The recipient has left the organisation and no longer receives mail here',
  },
  'mailbox-disabled': {
    status: '5.2.1',
    smtp: '550 5.2.1 The email account that you tried to reach is disabled',
  },
} as const;
export type BounceReason = keyof typeof BOUNCE_REASONS;

/** How much of the original's header block the report quotes. */
export const MAX_QUOTED_HEADER_BYTES = 32 * 1024;

export interface BounceInput {
  /** The hosted domain answering, e.g. `demo.test`; the report comes from its MAILER-DAEMON. */
  reportingDomain: string;
  /** The original envelope sender (MAIL FROM), who gets the report. */
  sender: string;
  recipient: string;
  reason: BounceReason;
  arrivalDate: string;
  /** The original message; only its top-level header block is quoted. */
  original: Uint8Array;
  now: Date;
}

export function mailerDaemon(domain: string): string {
  return `${SYSTEM_SENDERS.bounces}@${domain}`;
}

/** Mail to nobody, or to a daemon, would loop or vanish: it is never bounced. */
export function isBounceable(sender: string): boolean {
  const address = sender.trim().toLowerCase();
  if (!address || !address.includes('@')) return false;
  const local = address.slice(0, address.lastIndexOf('@'));
  return !['mailer-daemon', 'postmaster', 'noreply-dsn'].includes(local);
}

function headerBlock(original: Uint8Array): string {
  const window = Buffer.from(original.subarray(0, MAX_QUOTED_HEADER_BYTES)).toString('latin1');
  const end = window.search(/\r?\n\r?\n/);
  const block = end >= 0 ? window.slice(0, end) : window;
  return block.replace(/\r?\n/g, '\r\n');
}

/** A header-safe single line: no CR/LF to inject headers with. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ');

/** An RFC 3464 delivery status notification (multipart/report) for one failed recipient. */
export function buildBounce(input: BounceInput): { from: string; raw: Buffer } {
  const { status, smtp } = BOUNCE_REASONS[input.reason];
  const from = mailerDaemon(input.reportingDomain);
  const boundary = `=_sesame_dsn_${randomUUID()}`;
  const recipient = oneLine(input.recipient);
  const lines = [
    `From: Mail Delivery System <${from}>`,
    `To: <${oneLine(input.sender)}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${input.now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${input.reportingDomain}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message could not be delivered to ${recipient}.`,
    '',
    smtp,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${input.reportingDomain}`,
    `Arrival-Date: ${new Date(input.arrivalDate).toUTCString().replace('GMT', '+0000')}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${smtp}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    headerBlock(input.original),
    '',
    `--${boundary}--`,
    '',
  ];
  return { from, raw: Buffer.from(lines.join('\r\n'), 'utf8') };
}
