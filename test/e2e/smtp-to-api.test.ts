import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '@shared/http/problem';
import type { MessageSummary } from '@shared/mailbox/model';
import { startLocal, type LocalRuntime } from '../../infra/local/local-runtime';
import { freePort } from '../../infra/local/stand-ins';
import { emulatorToken } from '@test/support/emulator-token';

/** How long a sent message may take to show up in the API: SMTP ▶ S3 ▶ queue ▶ ingest ▶ DynamoDB. */
const ARRIVAL_POLLS = 150;
const POLL_INTERVAL_MS = 100;
/** Starting DynamoDB Local again, or three CLI processes, takes seconds on a busy machine. */
const SLOW_TEST_MS = 60_000;
const TSX = join('node_modules', '.bin', 'tsx');

let dataDir: string;
let ports: { dynamoPort: number; s3Port: number; cognitoPort: number };
let sesame: LocalRuntime;
let alice: string;
let bob: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sesame-e2e-'));
  // Fixed back-end ports, so the restart at the end finds the same endpoints the handlers hold
  // (and the Cognito emulator the same issuer URL, which its tokens name).
  ports = { dynamoPort: await freePort(), s3Port: await freePort(), cognitoPort: await freePort() };
  sesame = await startLocal({
    dataDir,
    smtpPort: await freePort(),
    apiPort: await freePort(),
    ...ports,
  });
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
});

afterAll(async () => {
  await sesame?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

let sequence = 0;
const uniqueSubject = (what: string) => `${what} ${process.pid}-${Date.now()}-${++sequence}`;

function sendMail(options: { to: string[]; subject: string; text: string }) {
  const transport = createTransport({
    host: sesame.smtp.host,
    port: sesame.smtp.port,
    ignoreTLS: true,
  });
  return transport.sendMail({
    from: 'Carol Partner <carol@partner.example>',
    to: options.to.join(', '),
    subject: options.subject,
    text: options.text,
  });
}

/** The fields these tests read from an API answer: a list, a message, or a problem. */
interface ApiBody {
  items?: MessageSummary[];
  id?: string;
  subject?: string;
  text?: string;
  from?: { address: string };
  code?: string;
}

async function api(path: string, token?: string) {
  const response = await fetch(`${sesame.api.url}${path}`, {
    ...(token && { headers: { authorization: `Bearer ${token}` } }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as ApiBody,
  };
}

async function inbox(token: string): Promise<MessageSummary[]> {
  const { status, body } = await api('/mailboxes/me/messages', token);
  expect(status).toBe(200);
  return body.items ?? [];
}

/** Polls the inbox until a message with the subject is listed; fails after a bounded wait. */
async function arrival(token: string, subject: string): Promise<MessageSummary> {
  for (let poll = 0; poll < ARRIVAL_POLLS; poll++) {
    const found = (await inbox(token)).find((message) => message.subject === subject);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`"${subject}" never arrived`);
}

/**
 * Runs the token CLI without blocking this process's event loop, which serves the local sesame
 * the test talks to: a synchronous spawn froze its HTTP server past its keep-alive timeout, and
 * the next request, sent on the pooled socket the server was closing, failed with ECONNRESET.
 */
function tokenCli(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    execFile(
      TSX,
      ['infra/local/token-cli.ts', ...args],
      { encoding: 'utf8', env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ status, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}

describe('sesame on one machine, from SMTP to the API', () => {
  let aliceMessageId: string;
  const subject = uniqueSubject('Discharge summary');

  it('delivers mail sent over SMTP to the recipient, readable through the API', async () => {
    const sent = await sendMail({
      to: ['alice@demo.test'],
      subject,
      text: 'Patient discharged at noon.',
    });
    expect(sent.response).toMatch(/^250 /);

    const listed = await arrival(alice, subject);
    aliceMessageId = listed.id;
    const { status, body } = await api(`/mailboxes/me/messages/${listed.id}`, alice);

    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: listed.id,
      subject,
      from: { address: 'carol@partner.example' },
    });
    expect(body.text).toContain('Patient discharged at noon.');
  });

  it("keeps alice's mail from bob: not in his list, 404 when he asks for it by id", async () => {
    expect((await inbox(bob)).map((message) => message.subject)).not.toContain(subject);
    const { status, type, body } = await api(`/mailboxes/me/messages/${aliceMessageId}`, bob);
    expect(status).toBe(404);
    expect(type).toBe(PROBLEM_CONTENT_TYPE);
    expect(body.code).toBe('NoSuchMessage');
  });

  it('finds a word of the body through GET /mailboxes/me/search, for alice only', async () => {
    const word = `pelargonium${process.pid}x${Date.now()}`;
    const searched = uniqueSubject('Garden');
    await sendMail({
      to: ['alice@demo.test'],
      subject: searched,
      text: `The ${word} is in bloom.`,
    });
    const listed = await arrival(alice, searched);

    const found = await api(`/mailboxes/me/search?q=${word}`, alice);
    expect(found.status).toBe(200);
    expect(found.body.items?.map((item) => item.id)).toEqual([listed.id]);
    expect((await api(`/mailboxes/me/search?q=${word}`, bob)).body.items).toEqual([]);
  });

  it('answers 401 problem+json to a request without a token', async () => {
    const { status, type, body } = await api('/mailboxes/me/messages');
    expect(status).toBe(401);
    expect(type).toBe(PROBLEM_CONTENT_TYPE);
    expect(body.code).toBe('Unauthorized');
  });

  it('refuses mail for a domain it does not host with 550', async () => {
    const refused = await sendMail({
      to: ['someone@unknown.example'],
      subject: uniqueSubject('Misdirected'),
      text: 'Not for here.',
    }).then(
      () => undefined,
      (error: { responseCode?: number }) => error,
    );
    expect(refused?.responseCode).toBe(550);
  });

  it('delivers one message with two envelope recipients to both mailboxes', async () => {
    const shared = uniqueSubject('Rota change');
    await sendMail({
      to: ['alice@demo.test', 'bob@demo.test'],
      subject: shared,
      text: 'Swap Tuesday.',
    });

    const [forAlice, forBob] = await Promise.all([arrival(alice, shared), arrival(bob, shared)]);
    expect(forAlice.id).not.toBe(forBob.id);
  });

  // Deleting for good now happens only after the recovery window (the sweep, with its clock:
  // test/integration/recoverable-items.test.ts); through the API a delete is recoverable.
  it('keeps the files of a message deleted twice while it is recoverable, and restores it', async () => {
    const s3Files = () => readdirSync(join(dataDir, 's3'), { recursive: true }).map(String);
    const before = new Set(s3Files());
    const subject = uniqueSubject('Delete me, then change my mind');
    await sendMail({ to: ['alice@demo.test'], subject, text: 'Not gone yet.' });
    const message = await arrival(alice, subject);
    const raw = s3Files().find((file) => !before.has(file) && file.includes('inbound'));
    const sesMessageId = /inbound[\\/]([^.\\/]+)/.exec(raw ?? '')?.[1];
    expect(sesMessageId).toBeDefined();
    const filesOfMessage = () => s3Files().filter((file) => file.includes(sesMessageId!));
    const kept = filesOfMessage();
    const send = (method: string, path: string) =>
      fetch(`${sesame.api.url}${path}`, { method, headers: { authorization: `Bearer ${alice}` } });

    expect((await send('DELETE', `/mailboxes/me/messages/${message.id}`)).status).toBe(200);
    expect((await send('DELETE', `/mailboxes/me/messages/${message.id}`)).status).toBe(200);

    expect(filesOfMessage()).toEqual(kept);
    expect((await api(`/mailboxes/me/messages/${message.id}`, alice)).status).toBe(200);
    const listed = await api('/mailboxes/me/recoverable', alice);
    expect((listed.body.items ?? []).map((m) => m.id)).toContain(message.id);
    const restored = await send('POST', `/mailboxes/me/recoverable/${message.id}/restore`);
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ id: message.id, folder: 'inbox' });
    const inbox = await api('/mailboxes/me/messages', alice);
    expect((inbox.body.items ?? []).map((m) => m.id)).toContain(message.id);
  });

  it(
    'issues tokens from the command line for the running instance',
    { timeout: SLOW_TEST_MS },
    async () => {
      const issued = await tokenCli(['alice@demo.test'], { SESAME_DATA_DIR: dataDir });
      expect(issued.status).toBe(0);
      expect((await inbox(issued.stdout)).map((message) => message.subject)).toContain(subject);

      const unknown = await tokenCli(['nobody@demo.test'], { SESAME_DATA_DIR: dataDir });
      expect(unknown.status).toBe(1);
      expect(unknown.stderr.split('\n').filter((line) => !line.startsWith('npm warn'))).toEqual([
        'token: no mailbox nobody@demo.test in the local sesame',
      ]);

      const elsewhere = mkdtempSync(join(tmpdir(), 'sesame-e2e-idle-'));
      const notRunning = await tokenCli(['alice@demo.test'], { SESAME_DATA_DIR: elsewhere });
      rmSync(elsewhere, { recursive: true, force: true });
      expect(notRunning.status).toBe(1);
      expect(notRunning.stderr).toContain('start sesame first with npm start');
    },
  );

  it(
    'starts again on the same data dir with the mail, the demo tenant and the key kept',
    { timeout: SLOW_TEST_MS },
    async () => {
      await sesame.stop();
      sesame = await startLocal({
        dataDir,
        smtpPort: await freePort(),
        apiPort: await freePort(),
        ...ports,
      });

      // The token issued before the restart still verifies: same pool, issuer and key.
      expect((await inbox(alice)).map((message) => message.subject)).toContain(subject);
      const again = uniqueSubject('After restart');
      await sendMail({ to: ['bob@demo.test'], subject: again, text: 'Still here.' });
      await arrival(bob, again);
    },
  );
});
