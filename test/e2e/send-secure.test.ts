import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, MessageSummary } from '@shared/mailbox/model';
import type { SecureEvent } from '@shared/send/secure-model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { standInClients } from '@test/support/share-world';
import { eventually } from '@test/support/eventually';
import { takeOutboxMail, uploadAttachment } from '@test/support/outbox-mail';

// Issue 10 item 10: [secure] delivery. Outsiders get a notification with a personal link, never
// the message; the page mails a one-time code, then shows the message, grants its files
// (scan-gated) and takes one reply into the sender's Inbox. Hosted recipients get it normally.

let sesame: LocalRuntime;
let dataDir: string;
let call: ReturnType<typeof httpClient>;
let alice: string;
let bob: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('send-secure'));
  call = httpClient(sesame.api.url);
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
});

afterAll(() => stopTestSesame(sesame, dataDir));

/** Every .eml in the outbox (what left for outside addresses), as text. */
function outbox(): { name: string; text: string; bytes: Buffer }[] {
  return readdirSync(sesame.outboxDir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => {
      const bytes = readFileSync(join(sesame.outboxDir, name));
      return { name, bytes, text: bytes.toString('latin1') };
    });
}

const mailTo = (to: string, match: RegExp, seen?: Set<string>) =>
  takeOutboxMail(sesame.outboxDir, to, match, seen);

const pagePath = (text: string) => /https?:\/\/[^\s]+?(\/m\/[A-Za-z0-9_-]{43})/.exec(text)?.[1];

/** A form post as a JSON client. */
const post = (path: string, body: unknown = {}) => call('POST', path, undefined, body);

const upload = (bytes: Buffer, name: string) => uploadAttachment(call, alice, bytes, name);

async function codeFor(token: string, to: string, seen: Set<string>): Promise<string> {
  const asked = await post(`${token}/code`);
  expect(asked.status).toBe(202);
  const mail = await mailTo(to, /one-time code is \d{8}/, seen);
  return /one-time code is (\d{8})/.exec(mail.text ?? '')![1]!;
}

describe('[secure] delivery to an outside recipient', () => {
  it('leaves only a link; the code opens the message, its file and one reply', async () => {
    const secret = `quokka-${Date.now()}`;
    const subject = `[secure] Results ${Date.now()}`;
    const file = Buffer.from(`Blood results for ward 7 ${secret}\n`.repeat(20));
    const uploadId = await upload(file, 'results.txt');
    const sent = await call<{ id: string; recipients: { address: string; status: string }[] }>(
      'POST',
      '/mailboxes/me/send',
      alice,
      {
        to: ['bob@demo.test', 'jane@outside.example'],
        subject,
        text: `The results are in: ${secret}`,
        attachments: [{ uploadId }],
      },
    );
    expect(sent.status).toBe(202);

    // The outsider's mail names the sender and holds a link, and nothing of the message.
    const note = await mailTo('jane@outside.example', /secure message/);
    expect(note.from?.address).toBe('alice@demo.test');
    expect(note.subject).not.toContain('Results');
    expect(note.attachments).toEqual([]);
    expect(outbox().some((f) => f.text.includes(secret))).toBe(false);
    const token = pagePath(note.text ?? '')!;
    expect(token).toBeDefined();

    // Bob (hosted) received it as any mail, with the file attached.
    const inbox = await eventually(async () => {
      const list = await call<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', bob);
      return list.body.items.find((m) => m.subject === subject);
    });
    const atBob = await call<MessageRecord>('GET', `/mailboxes/me/messages/${inbox.id}`, bob);
    expect(atBob.body.text).toContain(secret);
    expect(atBob.body.hasAttachments).toBe(true);

    // The page says who sent it and where the code goes, nothing more.
    const cover = await fetch(`${sesame.api.url}${token}`);
    const coverHtml = await cover.text();
    expect(cover.status).toBe(200);
    expect(cover.headers.get('set-cookie')).toBeNull();
    expect(coverHtml).toContain('j•••@outside.example');
    expect(coverHtml).not.toContain(secret);

    // Without the code, or with a wrong one, nothing opens.
    expect((await post(`${token}/open`, { code: '00000000' })).body).toMatchObject({
      code: 'CodeRefused',
    });
    const seen = new Set<string>();
    const code = await codeFor(token, 'jane@outside.example', seen);
    const codeMail = await mailTo('jane@outside.example', new RegExp(code));
    expect(codeMail.from?.address).toBe('postmaster@demo.test');

    const opened = await post(`${token}/open`, { code });
    expect(opened.status).toBe(200);
    const { session, message } = opened.body as {
      session: string;
      message: { content: { text: string; subject: string }; attachments: { name: string }[] };
    };
    expect(message.content.text).toContain(secret);
    expect(message.content.subject).toBe(subject);
    expect(message.attachments.map((a) => a.name)).toEqual(['results.txt']);

    // The code works once.
    expect((await post(`${token}/open`, { code })).body).toMatchObject({ code: 'CodeRefused' });
    // A made-up session opens nothing.
    const forged = await post(`${token}/reply`, { session: 'A'.repeat(43), text: 'hi' });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ code: 'SessionExpired' });

    // The file, through the recipient's own share grant, once scanned clean: byte-identical.
    const grant = await eventually(async () => {
      const answer = await fetch(`${sesame.api.url}${token}/files/0`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session }),
      });
      return answer.status === 303 ? answer : undefined;
    });
    const got = Buffer.from(await (await fetch(grant.headers.get('location')!)).arrayBuffer());
    expect(got.equals(file)).toBe(true);

    // One reply, into alice's Inbox, threaded with her Sent copy; a second is refused.
    const reply = await post(`${token}/reply`, { session, text: `Received ${secret}, thanks` });
    expect(reply.status).toBe(202);
    const again = await post(`${token}/reply`, { session, text: 'And again' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'AlreadyReplied' });
    const answered = await eventually(async () => {
      const list = await call<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', alice);
      return list.body.items.find((m) => m.subject === `Re: ${subject}`);
    });
    const atAlice = await call<MessageRecord>(
      'GET',
      `/mailboxes/me/messages/${answered.id}`,
      alice,
    );
    expect(atAlice.body.from?.address).toBe('jane@outside.example');
    expect(atAlice.body.text).toContain(`Received ${secret}, thanks`);
    const sentCopy = await call<MessageRecord>(
      'GET',
      `/mailboxes/me/messages/${sent.body.id}`,
      alice,
    );
    expect(atAlice.body.threadId).toBe(sentCopy.body.threadId);
    expect(sentCopy.body.secure?.recipients).toEqual(['jane@outside.example']);

    // The audit trail: who opened what, when; for the sender only.
    const trail = await call<{ items: SecureEvent[] }>(
      'GET',
      `/mailboxes/me/messages/${sent.body.id}/secure`,
      alice,
    );
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e) => e.kind)).toEqual([
      'notified',
      'code-refused',
      'code-sent',
      'opened',
      'code-refused',
      'attachment-downloaded',
      'replied',
    ]);
    expect(trail.body.items.find((e) => e.kind === 'opened')?.clientAddress).toBeTruthy();
    expect(trail.body.items.find((e) => e.kind === 'attachment-downloaded')?.attachment).toBe(
      'results.txt',
    );
    const notBobs = await call('GET', `/mailboxes/me/messages/${sent.body.id}/secure`, bob);
    expect(notBobs.status).toBe(404);
  });

  it('is asked for by [secure] in the subject; wrong codes are limited', async () => {
    const secret = `wombat-${Date.now()}`;
    const sent = await call('POST', '/mailboxes/me/send', alice, {
      to: ['raj@elsewhere.example'],
      subject: `Referral [SECURE] ${Date.now()}`,
      text: secret,
    });
    expect(sent.status).toBe(202);
    const note = await mailTo('raj@elsewhere.example', /secure message/);
    expect(outbox().some((f) => f.text.includes(secret))).toBe(false);
    const token = pagePath(note.text ?? '')!;
    for (let i = 0; i < 5; i++) {
      expect((await post(`${token}/open`, { code: '12345678' })).status).toBe(403);
    }
    const limited = await post(`${token}/open`, { code: '12345678' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'TooManyAttempts' });
  });

  it('is withdrawn by its sender: the page, the session and the files answer 410 from then on', async () => {
    const file = Buffer.from(`Discharge letter ${Date.now()}\n`.repeat(20));
    const uploadId = await upload(file, 'letter.txt');
    const sent = await call<{ id: string }>('POST', '/mailboxes/me/send', alice, {
      to: ['sam@outside.example'],
      subject: `[secure] Letter ${Date.now()}`,
      text: 'Sent to the wrong person',
      attachments: [{ uploadId }],
    });
    expect(sent.status).toBe(202);
    const note = await mailTo('sam@outside.example', /secure message/);
    const token = pagePath(note.text ?? '')!;
    const code = await codeFor(token, 'sam@outside.example', new Set());
    const opened = await post(`${token}/open`, { code });
    const { session } = opened.body as { session: string };

    // Only the sender can withdraw it; another user is told there is no such message.
    const notBobs = await call('DELETE', `/mailboxes/me/messages/${sent.body.id}/secure`, bob);
    expect(notBobs.status).toBe(404);
    const withdrawn = await call('DELETE', `/mailboxes/me/messages/${sent.body.id}/secure`, alice);
    expect(withdrawn.status).toBe(204);
    // Again: nothing left to withdraw, the same answer.
    expect(
      (await call('DELETE', `/mailboxes/me/messages/${sent.body.id}/secure`, alice)).status,
    ).toBe(204);

    expect((await fetch(`${sesame.api.url}${token}`)).status).toBe(410);
    expect((await post(`${token}/code`)).body).toMatchObject({ code: 'SecureMessageGone' });
    // The file's share stays alice's; the outsider's link to it is revoked.
    const shares = await call<{ items: { id: string; name: string }[] }>('GET', '/shares', alice);
    const letter = shares.body.items.find((share) => share.name === 'letter.txt');
    const links = await call<{ items: { state: string }[] }>(
      'GET',
      `/shares/${letter!.id}/links`,
      alice,
    );
    expect(links.body.items.map((link) => link.state)).toEqual(['revoked']);
    expect((await post(`${token}/files/0`, { session })).body).toMatchObject({
      code: 'SecureMessageGone',
    });
    expect((await post(`${token}/reply`, { session, text: 'late' })).body).toMatchObject({
      code: 'SecureMessageGone',
    });
    const trail = await call<{ items: SecureEvent[] }>(
      'GET',
      `/mailboxes/me/messages/${sent.body.id}/secure`,
      alice,
    );
    expect(trail.body.items.map((e) => e.kind)).toEqual([
      'notified',
      'code-sent',
      'opened',
      'withdrawn',
    ]);
  });

  it('answers 410 when its content went while the request was on its way', async () => {
    const sent = await call<{ id: string }>('POST', '/mailboxes/me/send', alice, {
      to: ['ann@outside.example'],
      subject: `[secure] Race ${Date.now()}`,
      text: 'Withdrawn meanwhile',
    });
    const note = await mailTo('ann@outside.example', /secure message/);
    const token = pagePath(note.text ?? '')!;
    const code = await codeFor(token, 'ann@outside.example', new Set());
    const copy = await call<MessageRecord>('GET', `/mailboxes/me/messages/${sent.body.id}`, alice);
    const clients = standInClients(sesame);
    try {
      await clients.blobs.delete(clients.names.shareBucket, [
        `secure/demo/${copy.body.secure!.id}.json`,
      ]);
    } finally {
      clients.destroy();
    }
    const opened = await post(`${token}/open`, { code });
    expect(opened.status).toBe(410);
    expect(opened.body).toMatchObject({ code: 'SecureMessageGone' });
  });

  it('answers one 410 for a token that does not exist', async () => {
    const unknown = `/m/${'x'.repeat(43)}`;
    expect((await fetch(`${sesame.api.url}${unknown}`)).status).toBe(410);
    expect((await post(`${unknown}/code`)).body).toMatchObject({ code: 'SecureMessageGone' });
  });
});
