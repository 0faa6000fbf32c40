import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { LAMBDA_RESPONSE_MAX_BYTES } from '../../infra/local/http-gateway';
import { htmlMail, longTextMail } from '@test/support/big-mail';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { emulatorToken } from '@test/support/emulator-token';

/**
 * Large but ordinary mail, from a plain SMTP client to the API on the local gateway, which
 * caps responses as Lambda does: every message is listed, and a body past the cap is read.
 */
const ARRIVAL_POLLS = 300;
const POLL_INTERVAL_MS = 200;
const SLOW_TEST_MS = 180_000;
const HTML_MAILS = 40;
const HTML_BYTES = 60 * 1024;
const LONG_TEXT_BYTES = 7 * 1024 * 1024;

let sesame: LocalRuntime;
let dataDir: string;
let token: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('large-mail'));
  token = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
});

afterAll(async () => {
  await stopTestSesame(sesame, dataDir);
});

async function send(raw: string) {
  const transport = createTransport({
    host: sesame.smtp.host,
    port: sesame.smtp.port,
    ignoreTLS: true,
  });
  const sent = await transport.sendMail({
    envelope: { from: 'carol@partner.example', to: ['alice@demo.test'] },
    raw,
  });
  transport.close();
  expect(sent.response).toMatch(/^250 /);
}

async function get(path: string) {
  const response = await fetch(`${sesame.api.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The whole inbox, page by page through the cursor. */
async function listInbox(): Promise<{ id: string; subject: string }[]> {
  const items: { id: string; subject: string }[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '25', ...(cursor && { cursor }) });
    const page = await get(`/mailboxes/me/messages?${query}`);
    expect(page.status).toBe(200);
    items.push(...(page.body.items as { id: string; subject: string }[]));
    cursor = (page.body.nextCursor as string | null) ?? undefined;
  } while (cursor);
  return items;
}

/** Polls until `want` says the inbox is as expected; fails after a bounded wait. */
async function inboxWhen(
  want: (items: { id: string; subject: string }[]) => boolean,
): Promise<{ id: string; subject: string }[]> {
  for (let poll = 0; poll < ARRIVAL_POLLS; poll++) {
    const items = await listInbox();
    if (want(items)) return items;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error('the inbox never showed what was sent');
}

describe('large mail through SMTP and the API', () => {
  it(
    `lists all of ${HTML_MAILS} HTML mails of 60 KB through the cursor`,
    async () => {
      const subjects = Array.from({ length: HTML_MAILS }, (_, i) => `Ward report ${i}`);
      for (const subject of subjects) await send(htmlMail(subject, HTML_BYTES, 'ward-reports'));

      const items = await inboxWhen((listed) => listed.length >= HTML_MAILS);

      expect(items.map((item) => item.subject).sort()).toEqual([...subjects].sort());
      expect(new Set(items.map((item) => item.id)).size).toBe(HTML_MAILS);
    },
    SLOW_TEST_MS,
  );

  it(
    'reads a message whose 7 MB text body is past the response cap, through a short-lived link',
    async () => {
      const raw = longTextMail('Observation charts', LONG_TEXT_BYTES);
      expect(raw.length).toBeGreaterThan(LAMBDA_RESPONSE_MAX_BYTES);
      await send(raw);
      const items = await inboxWhen((listed) =>
        listed.some((item) => item.subject === 'Observation charts'),
      );
      const id = items.find((item) => item.subject === 'Observation charts')?.id as string;

      const message = await get(`/mailboxes/me/messages/${id}`);
      expect(message.status).toBe(200);
      expect(message.body).not.toHaveProperty('text');
      expect(message.body.textUrl).toEqual(expect.any(String));
      const download = await fetch(message.body.textUrl as string);
      const text = await download.text();

      expect(download.status).toBe(200);
      const expected = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      expect(text.replace(/\r\n/g, '\n').trim()).toBe(expected.replace(/\r\n/g, '\n').trim());
    },
    SLOW_TEST_MS,
  );
});
