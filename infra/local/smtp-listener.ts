import { randomBytes } from 'node:crypto';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { BlobStore } from '@shared/blob/blob-store';
import { RAW_MAIL_PREFIX } from '@shared/config/resource-names';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import { logger } from '@shared/log/logger';
import { domainOf } from '@shared/address/address';
import type { MailStore } from '@shared/mailbox/mail-store';
import { UNCHECKED_VERDICTS, type LocalVerdicts } from './local-verdicts';
import { buildSesNotification } from './ses-envelope';

export const DEFAULT_SMTP_PORT = 2525;
const BANNER = 'sesame local';
/** The name SES gives itself in the Received header; locally, this listener's. */
const RECEIVER_NAME = 'inbound-smtp.sesame.local';
/** Lets a sender finish a message on Ctrl-C; an unfinished one was never accepted. */
const CLOSE_TIMEOUT_MS = 5_000;
/** SES inbound message ids are 40 characters of lower-case letters and digits. */
const SES_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SES_ID_LENGTH = 40;
/** local@domain with a dotted domain; the SMTP parser has already checked the angle brackets. */
const MAILBOX_SYNTAX = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface SmtpListenerOptions {
  host?: string;
  port?: number;
  /** The largest message accepted (the tier table's maxMessageBytes); larger ones get 552. */
  maxMessageBytes: number;
  /** Where raw messages go, as the SES S3 action writes them. */
  rawMailBucket: string;
  blobs: BlobStore;
  /** Who is hosted here: SES only accepts mail for verified domains. */
  domains: Pick<MailStore, 'findTenantIdByDomain'>;
  queue: { enqueue(notification: SesReceiptNotification): Promise<unknown> };
  /**
   * The receipt verdicts every notification carries. Nothing here scans for spam or viruses or
   * checks SPF, DKIM or DMARC, so the default is GRAY for all five ("could not be determined");
   * `npm start` sets them from SESAME_LOCAL_VERDICTS (infra/local/local-verdicts).
   */
  verdicts?: LocalVerdicts;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** An error smtp-server turns into a reply; the text carries its own enhanced status code. */
function reply(responseCode: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode });
}

/** An SES-shaped message id; also the raw object's name, so it must be safe in a key. */
export function newSesMessageId(): string {
  const bytes = randomBytes(SES_ID_LENGTH);
  // 256 is a multiple of 36 times 7 plus 4: the bias is a fraction of a percent, harmless for an id.
  return Array.from(bytes, (byte) => SES_ID_ALPHABET[byte % SES_ID_ALPHABET.length]).join('');
}

function receivedHeader(session: SMTPServerSession, messageId: string, at: Date): string {
  const helo = session.hostNameAppearsAs || 'unknown';
  const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
  const forClause = recipients.length === 1 ? ` for ${recipients[0]}` : '';
  return (
    `Received: from ${helo} (${session.clientHostname} [${session.remoteAddress}])\r\n` +
    ` by ${RECEIVER_NAME} with SMTP id ${messageId}${forClause};\r\n` +
    ` ${at.toUTCString().replace('GMT', '+0000 (UTC)')}\r\n`
  );
}

/** Reads DATA fully, keeping nothing past the limit (the client is told 552 at the end). */
function readData(stream: SMTPServerDataStream, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () =>
      resolve(stream.sizeExceeded || bytes > limit ? undefined : Buffer.concat(chunks, bytes)),
    );
  });
}

/**
 * The local SES receiving endpoint: accepts mail for hosted domains only, stores each message
 * raw in the raw-mail bucket and queues the SES notification AWS would publish. It answers 250
 * only once both are done, so a message a sender was told is accepted is never lost.
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxMessageBytes;
  const verdicts = options.verdicts ?? UNCHECKED_VERDICTS;

  async function accept(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const messageId = newSesMessageId();
    const receivedAt = new Date();
    const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const objectKey = `${RAW_MAIL_PREFIX}${messageId}`;
    // Like SES, the stored object starts with the trace headers the receiver adds.
    const trace = `Return-Path: <${source}>\r\n${receivedHeader(session, messageId, receivedAt)}`;
    const stored = Buffer.concat([Buffer.from(trace, 'utf8'), raw]);
    await options.blobs.put(options.rawMailBucket, objectKey, stored, 'message/rfc822');
    const notification = buildSesNotification({
      messageId,
      source,
      recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      bucket: options.rawMailBucket,
      objectKey,
      receivedAt,
      verdicts,
    });
    await options.queue.enqueue(notification);
    return messageId;
  }

  const server = new SMTPServer({
    banner: BANNER,
    size: limit,
    // Loopback only, no accounts: nothing to authenticate and no TLS to offer.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: false,

    onMailFrom(address, _session, callback) {
      if (address.address === '' || MAILBOX_SYNTAX.test(address.address)) return callback();
      callback(reply(553, `5.1.7 ${address.address} is not a valid sender address`));
    },

    onRcptTo(address, _session, callback) {
      if (!MAILBOX_SYNTAX.test(address.address)) {
        return callback(reply(553, `5.1.3 ${address.address} is not a valid mailbox address`));
      }
      const domain = domainOf(address.address);
      options.domains.findTenantIdByDomain(domain).then(
        (tenantId) =>
          callback(
            tenantId ? null : reply(550, `5.7.1 relaying denied: ${domain} is not hosted here`),
          ),
        (error: unknown) => {
          logger.error('could not look up a recipient domain', { domain, error: error as Error });
          callback(reply(451, '4.3.0 temporary failure looking up the recipient, try again later'));
        },
      );
    },

    onData(stream, session, callback) {
      readData(stream, limit)
        .then(async (raw) => {
          if (!raw) {
            return callback(reply(552, `5.3.4 message exceeds the fixed limit of ${limit} bytes`));
          }
          const messageId = await accept(raw, session);
          callback(null, `Ok: queued as ${messageId}`);
        })
        .catch((error: unknown) => {
          logger.error('could not store an inbound message', { error: error as Error });
          callback(reply(451, '4.3.0 could not store the message, try again later'));
        });
    },
  });

  const requested = options.port ?? DEFAULT_SMTP_PORT;
  let listening = false;
  const port = await new Promise<number>((resolve, reject) => {
    // smtp-server re-emits its socket's errors on itself; unheard, one would crash the process.
    server.on('error', (error: NodeJS.ErrnoException) => {
      // After start-up, an error belongs to one client connection, not to the listener.
      if (listening) return logger.warn('SMTP connection error', { error });
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`SMTP port ${requested} on ${host} is already in use (set SESAME_SMTP_PORT)`)
          : error,
      );
    });
    server.listen(requested, host, () => {
      listening = true;
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
