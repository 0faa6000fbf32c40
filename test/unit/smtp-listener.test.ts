import { connect } from 'node:net';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '@shared/blob/blob-store';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import { startSmtpListener, type SmtpListener } from '../../infra/local/smtp-listener';

const LIMIT = 4_000;
const BUCKET = 'raw-bucket';

/** In-memory ports: what the listener stored and queued, and a switch to make storage fail. */
const stored = new Map<string, Buffer>();
const queued: SesReceiptNotification[] = [];
let storageDown = false;
const blobs: BlobStore = {
  async get(_bucket, key) {
    const body = stored.get(key);
    if (!body) throw new Error(`no ${key}`);
    return body;
  },
  async put(bucket, key, body) {
    if (storageDown) throw new Error('s3 is down');
    stored.set(key, Buffer.from(body));
    expect(bucket).toBe(BUCKET);
  },
  async delete(_bucket, keys) {
    for (const key of keys) stored.delete(key);
  },
};

let listener: SmtpListener;

beforeAll(async () => {
  listener = await startSmtpListener({
    port: 0,
    maxMessageBytes: LIMIT,
    rawMailBucket: BUCKET,
    blobs,
    domains: {
      findTenantIdByDomain: async (domain) => (domain === 'demo.test' ? 'demo' : undefined),
    },
    queue: { enqueue: async (notification) => queued.push(notification) },
  });
});

afterAll(async () => {
  await listener?.close();
});

beforeEach(() => {
  stored.clear();
  queued.length = 0;
  storageDown = false;
});

function send(envelope: { from: string; to: string[] }, text = 'Hello from the ward.') {
  const transport = createTransport({ host: '127.0.0.1', port: listener.port, ignoreTLS: true });
  return transport.sendMail({
    envelope,
    from: envelope.from,
    to: envelope.to.join(', '),
    subject: 'Ward round',
    text,
  });
}

/** nodemailer rejects with the server's reply code and text. */
async function refusal(sending: Promise<unknown>) {
  const error = (await sending.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as { responseCode?: number; response?: string } | undefined;
  expect(error, 'the server accepted the message').toBeDefined();
  return { code: error?.responseCode, text: error?.response ?? '' };
}

/** Sends commands one at a time, each after the previous reply; returns the last line of each reply. */
function dialogue(commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(listener.port, '127.0.0.1');
    const replies: string[] = [];
    const pending = [...commands];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // A reply is complete at a line whose code is followed by a space, not a dash.
      const done = /(?:^|\r\n)(\d{3} [^\r\n]*)\r\n$/.exec(buffer);
      if (!done) return;
      buffer = '';
      if (replies.length > 0 || done[1]?.startsWith('220')) replies.push(done[1] as string);
      const next = pending.shift();
      if (next === undefined) {
        socket.end('QUIT\r\n');
        resolve(replies.slice(1));
      } else socket.write(`${next}\r\n`);
    });
  });
}

describe('the local SMTP listener', () => {
  it('stores the raw message, queues the SES notification, then answers 250 with its id', async () => {
    const info = await send({
      from: 'carol@partner.example',
      to: ['alice@demo.test', 'bob@demo.test'],
    });

    expect(queued).toHaveLength(1);
    const [notification] = queued as [SesReceiptNotification];
    const sesId = notification.mail.messageId;
    expect(sesId).toMatch(/^[a-z0-9]{40}$/);
    expect(info.response).toMatch(new RegExp(`^250 .*${sesId}`));
    expect(notification.mail.source).toBe('carol@partner.example');
    expect(notification.receipt.recipients).toEqual(['alice@demo.test', 'bob@demo.test']);
    expect(notification.receipt.action).toMatchObject({
      type: 'S3',
      bucketName: BUCKET,
      objectKey: `inbound/${sesId}`,
    });
    expect(notification.receipt.spamVerdict?.status).toBe('GRAY');
    const raw = stored.get(`inbound/${sesId}`)?.toString('utf8') ?? '';
    expect(raw).toMatch(/^Return-Path: <carol@partner\.example>\r\nReceived: from /);
    expect(raw).toContain('Subject: Ward round');
  });

  it('refuses a recipient on a domain it does not host with 550 5.7.1', async () => {
    const { code, text } = await refusal(
      send({ from: 'carol@partner.example', to: ['someone@unknown.example'] }),
    );
    expect(code).toBe(550);
    expect(text).toContain('5.7.1');
    expect(text).toContain('unknown.example is not hosted here');
    expect(queued).toHaveLength(0);
  });

  it.each([
    // smtp-server's own parser refuses what is not an address at all...
    ['not-an-address', /^501 /],
    // ...and the listener what parses but names no mailbox on a domain.
    ['alice@localhost', /^553 5\.1\.3 /],
    ['@demo.test', /^(501|553) /],
  ])('refuses the malformed recipient %s with a 5xx syntax reply', async (address, expected) => {
    // nodemailer will not send such addresses, so talk SMTP by hand.
    const replies = await dialogue([
      'EHLO test',
      'MAIL FROM:<carol@partner.example>',
      `RCPT TO:<${address}>`,
    ]);
    expect(replies.at(-1)).toMatch(expected);
  });

  it('refuses a message over the size limit with 552 and keeps nothing', async () => {
    const { code, text } = await refusal(
      send({ from: 'carol@partner.example', to: ['alice@demo.test'] }, 'x'.repeat(LIMIT * 2)),
    );
    expect(code).toBe(552);
    expect(text).toContain('5.3.4');
    expect(stored.size).toBe(0);
    expect(queued).toHaveLength(0);
  });

  it('answers 451 (try again) when the message cannot be stored, and queues nothing', async () => {
    storageDown = true;
    const { code } = await refusal(
      send({ from: 'carol@partner.example', to: ['alice@demo.test'] }),
    );
    expect(code).toBe(451);
    expect(queued).toHaveLength(0);
  });
});
