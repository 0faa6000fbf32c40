import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { takeOutboxMail } from '@test/support/outbox-mail';

// Issue 10 item 10, [secure] delivery: the public page under hostile and awkward input (a
// review of f8de602). Outsiders' tokens, codes and sessions are taken from the outbox.

let sesame: LocalRuntime;
let dataDir: string;
let call: ReturnType<typeof httpClient>;
let alice: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('send-secure-hostile'));
  call = httpClient(sesame.api.url);
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
});

afterAll(() => stopTestSesame(sesame, dataDir));

const seen = new Set<string>();

/** The text of the first outbox mail to `to` not taken before whose text matches. */
const takeMail = async (to: string, match: RegExp) =>
  (await takeOutboxMail(sesame.outboxDir, to, match, seen)).text ?? '';

const post = (path: string, body: unknown = {}) => call('POST', path, undefined, body);

/** A form post, as the page's forms send it (urlencoded; a textarea's newlines as CRLF). */
const postForm = (path: string, fields: Record<string, string>) =>
  fetch(`${sesame.api.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

/** Sends a secure message to the outsiders; each one's page path (/m/<token>). */
async function sendSecure(outsiders: string[]): Promise<{ id: string; pages: string[] }> {
  const sent = await call<{ id: string }>('POST', '/mailboxes/me/send', alice, {
    to: outsiders,
    subject: `[secure] Review ${Date.now()}`,
    text: 'Only with the code.',
  });
  expect(sent.status).toBe(202);
  const pages: string[] = [];
  for (const to of outsiders) {
    const note = await takeMail(to, /secure message/);
    pages.push(/(\/m\/[A-Za-z0-9_-]{43})/.exec(note)![1]!);
  }
  return { id: sent.body.id, pages };
}

async function codeFor(page: string, to: string): Promise<string> {
  expect((await post(`${page}/code`)).status).toBe(202);
  return /one-time code is (\d{8})/.exec(await takeMail(to, /one-time code is \d{8}/))![1]!;
}

async function openWithCode(page: string, to: string): Promise<string> {
  const opened = await post(`${page}/open`, { code: await codeFor(page, to) });
  expect(opened.status).toBe(200);
  return (opened.body as { session: string }).session;
}

describe('[secure] public page, hostile review', () => {
  it('says when to ask for a code again by the code window (an hour), not the wrong-code one', async () => {
    const { pages } = await sendSecure(['kim@outside.example']);
    const page = pages[0]!;
    for (let i = 0; i < 5; i++) expect((await post(`${page}/code`)).status).toBe(202);
    const over = await fetch(`${sesame.api.url}${page}/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ code: 'TooManyAttempts' });
    expect(over.headers.get('retry-after')).toBe('3600');
  });

  it('takes a reply as long as the page textarea allows, though the browser sends CRLF', async () => {
    const { pages } = await sendSecure(['lee@outside.example']);
    const page = pages[0]!;
    const session = await openWithCode(page, 'lee@outside.example');
    // What the textarea holds (maxlength counts a line break once): 19,999 characters.
    const typed = `${'a'.repeat(499)}\n`.repeat(40).trimEnd();
    expect(typed.length).toBeLessThanOrEqual(20_000);
    const answer = await postForm(`${page}/reply`, {
      session,
      text: typed.replaceAll('\n', '\r\n'),
    });
    expect(answer.status).toBe(202);
    expect(await answer.text()).toContain('id="reply-sent"');
  });

  it('binds sessions and codes to their own link, and lets one of two racing steps through', async () => {
    const [a, b] = ['ann@outside.example', 'ben@outside.example'];
    const { id, pages } = await sendSecure([a, b]);
    const [pageA, pageB] = pages as [string, string];
    const sessionA = await openWithCode(pageA, a);

    // Ann's session opens nothing on Ben's link; her code would not either.
    for (const path of [`${pageB}/reply`, `${pageB}/files/0`]) {
      const answer = await post(path, { session: sessionA, text: 'hijack' });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 'SessionExpired' });
    }
    const codeA = await codeFor(pageA, a);
    expect((await post(`${pageB}/open`, { code: codeA })).body).toMatchObject({
      code: 'CodeRefused',
    });

    // Two opens with one code: one session. Two replies at once: one reply.
    const codeB = await codeFor(pageB, b);
    const opens = await Promise.all([1, 2].map(() => post(`${pageB}/open`, { code: codeB })));
    expect(opens.map((o) => o.status).sort()).toEqual([200, 403]);
    const replies = await Promise.all(
      [1, 2].map((n) => post(`${pageA}/reply`, { session: sessionA, text: `reply ${n}` })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([202, 409]);

    const trail = await call<{ items: { kind: string; recipient: string }[] }>(
      'GET',
      `/mailboxes/me/messages/${id}/secure`,
      alice,
    );
    expect(trail.body.items.filter((e) => e.kind === 'replied')).toHaveLength(1);
    expect(trail.body.items.filter((e) => e.kind === 'opened').map((e) => e.recipient)).toEqual(
      expect.arrayContaining([a, b]),
    );
  });

  it('answers hostile shapes with one stable problem each', async () => {
    const { pages } = await sendSecure(['max@outside.example']);
    const page = pages[0]!;
    const session = await openWithCode(page, 'max@outside.example');
    const problem = async (path: string, body: unknown) => (await post(path, body)).body;
    expect(await problem(`${page}/files/-1`, { session })).toMatchObject({
      code: 'InputValidationError',
    });
    expect(await problem(`${page}/files/x`, { session })).toMatchObject({
      code: 'InputValidationError',
    });
    // A file the message does not have is not "still being checked": 404 NoSuchAttachment.
    expect(await problem(`${page}/files/7`, { session })).toMatchObject({
      code: 'NoSuchAttachment',
      status: 404,
    });
    expect(await problem(`${page}/open`, { code: ['12345678'] })).toMatchObject({
      code: 'InputValidationError',
    });
    expect(await problem(`${page}/reply`, { session, text: 'x'.repeat(20_001) })).toMatchObject({
      code: 'InputValidationError',
    });
    expect(await problem(`${page}/reply`, { session, text: ' \n ' })).toMatchObject({
      code: 'InputValidationError',
    });
    for (const token of ['short', `${'A'.repeat(42)}.`, 'A'.repeat(44)]) {
      expect(await problem(`/m/${token}/code`, {})).toMatchObject({ code: 'SecureMessageGone' });
    }
    const notJson = await fetch(`${sesame.api.url}${page}/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"code":',
    });
    expect(notJson.status).toBe(400);

    // The sender's trail is for secure messages of their own only.
    const plain = await call<{ id: string }>('POST', '/mailboxes/me/send', alice, {
      to: ['max@outside.example'],
      subject: 'not secure',
      text: 'plain',
    });
    const trail = await call('GET', `/mailboxes/me/messages/${plain.body.id}/secure`, alice);
    expect(trail.status).toBe(404);
    expect(trail.body).toMatchObject({ code: 'NoSuchMessage' });
  });

  it('shows a browser the message again, session kept, after a reply with no text', async () => {
    const { pages } = await sendSecure(['ola@outside.example']);
    const page = pages[0]!;
    const session = await openWithCode(page, 'ola@outside.example');
    const answer = await postForm(`${page}/reply`, { session, text: ' \r\n ' });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('id="reply-text"');
    expect(html).toContain(`value="${session}"`);
    expect(html).not.toContain('code is not right');
    // The session still takes the reply.
    expect((await postForm(`${page}/reply`, { session, text: 'Thanks' })).status).toBe(202);
  });
});
