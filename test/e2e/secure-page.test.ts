import { readFileSync } from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, MessageSummary } from '@shared/mailbox/model';
import type { SecureEvent } from '@shared/send/secure-model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { cspViolations, launchChromium } from '@test/support/chromium';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { eventually, POLL_MS, POLLS } from '@test/support/eventually';
import { takeOutboxMail, uploadAttachment } from '@test/support/outbox-mail';

// Issue 10 item 10: the [secure] page as an outside recipient uses it, in Chromium: the cover,
// a code by mail, the message, its file (once scanned) and the one reply. No script, no cookie.
/** How long one click waits for its answer (a download, or a page that says why not). */
const CLICK_ANSWER_MS = 15_000;
const OUTSIDER = 'jane@outside.example';

let sesame: LocalRuntime | undefined;
let dataDir = '';
let browser: Browser;
let call: ReturnType<typeof httpClient>;
let alice: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('secure-page'));
  call = httpClient(sesame.api.url);
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopTestSesame(sesame, dataDir);
});

const mailTo = (to: string, match: RegExp, seen: Set<string>) =>
  takeOutboxMail(sesame!.outboxDir, to, match, seen);
const upload = (bytes: Buffer, name: string) => uploadAttachment(call, alice, bytes, name);

/** Clicks "Email me a code" and reads the code from the mail it sends. */
async function askForCode(page: Page, seen: Set<string>): Promise<string> {
  await page.click('#send-code');
  expect(await page.textContent('#notice')).toContain(`We have emailed a code to j•••@`);
  const mail = await mailTo(OUTSIDER, /one-time code is \d{8}/, seen);
  expect(mail.from?.address).toBe('postmaster@demo.test');
  return /one-time code is (\d{8})/.exec(mail.text ?? '')![1]!;
}

/**
 * Clicks the file's button until it downloads, as a person would while the file is still being
 * scanned: each refusal is the message page again with a notice, and a fresh button.
 */
async function downloadFile(page: Page, button: string): Promise<Download> {
  for (let i = 0; i < POLLS; i++) {
    const answer = Promise.race([
      page.waitForEvent('download', { timeout: CLICK_ANSWER_MS }),
      page.waitForEvent('load', { timeout: CLICK_ANSWER_MS }).then(() => undefined),
    ]);
    await page.click(button);
    const download = await answer;
    if (download) return download;
    expect(await page.textContent('#notice')).toContain('still be being checked for viruses');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error('the file never downloaded');
}

describe('the [secure] page in Chromium', () => {
  it('opens with a mailed code, downloads the file, takes one reply; no script, no cookie', async () => {
    const secret = `numbat-${Date.now()}`;
    const subject = `Results ${Date.now()}`;
    const file = Buffer.from(`Blood results for ward 7 ${secret}\n`.repeat(20));
    const uploadId = await upload(file, 'results.txt');
    const sent = await call<{ id: string }>('POST', '/mailboxes/me/send', alice, {
      to: [OUTSIDER],
      subject,
      text: `The results are in: ${secret}`,
      attachments: [{ uploadId }],
      secure: true,
    });
    expect(sent.status).toBe(202);
    const seen = new Set<string>();
    const note = await mailTo(OUTSIDER, /secure message/, seen);
    const link = /(https?:\/\/\S+?\/m\/[A-Za-z0-9_-]{43})/.exec(note.text ?? '')?.[1];
    expect(link).toBeDefined();

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const violations = cspViolations(page);
    const cookies: string[] = [];
    context.on('response', (response) => {
      const cookie = response.headers()['set-cookie'];
      if (cookie) cookies.push(cookie);
    });

    // The cover: who sent it and where the code goes, nothing of the message.
    await page.goto(link!);
    expect(await page.textContent('#sender-name')).toBe('Alice Example');
    expect(await page.textContent('#recipient')).toBe('j•••@outside.example');
    const cover = await page.content();
    expect(cover).not.toContain(secret);
    expect(cover).not.toContain(subject);
    expect(await page.$('script')).toBeNull();

    // A wrong code says so and shows nothing.
    await page.fill('#code', '00000000');
    await page.click('#open');
    expect(await page.textContent('#notice')).toBe(
      'That code is not right, or it has expired. Ask for a new one.',
    );
    expect(await page.content()).not.toContain(secret);

    // The mailed code opens the message.
    await page.fill('#code', await askForCode(page, seen));
    await page.click('#open');
    expect(await page.textContent('#subject')).toBe(subject);
    expect(await page.textContent('#message-text')).toBe(`The results are in: ${secret}`);
    expect(await page.textContent('#file-0')).toContain('results.txt');

    // Reloading the message re-sends the used code: the cover again, nothing of the message.
    await page.reload();
    expect(await page.$('#send-code')).not.toBeNull();
    expect(await page.$('#message-text')).toBeNull();
    expect(await page.content()).not.toContain(secret);
    // So does a fresh visit to the link, in another tab: a new code is needed.
    const other = await context.newPage();
    const otherViolations = cspViolations(other);
    await other.goto(link!);
    expect(await other.$('#send-code')).not.toBeNull();
    expect(await other.content()).not.toContain(secret);
    await other.close();

    await page.fill('#code', await askForCode(page, seen));
    await page.click('#open');
    expect(await page.textContent('#subject')).toBe(subject);

    // The file, once scanned clean, byte-identical.
    const download = await downloadFile(page, '#file-0');
    expect(download.suggestedFilename()).toBe('results.txt');
    expect(readFileSync(await download.path()).equals(file)).toBe(true);
    // A refused file shows the message again, whose file forms may still 303 to the store.
    const session = await page.getAttribute('input[name="session"]', 'value');
    const refusedFile = await fetch(`${link!}/files/9`, {
      method: 'POST',
      body: new URLSearchParams({ session: session! }),
    });
    expect(refusedFile.status).toBe(404);
    const refusedPage = await refusedFile.text();
    expect(refusedPage).toContain('id="file-0"');
    expect(refusedPage).toContain('This message has no such file.');
    expect(refusedFile.headers.get('content-security-policy')).toContain(
      `form-action 'self' ${new URL(download.url()).origin}`,
    );

    // The one reply, into alice's Inbox.
    await page.fill('#reply-text', `Received ${secret}, thanks`);
    await page.click('#send-reply');
    expect(await page.textContent('#reply-sent')).toContain('Your reply has been delivered');
    const answered = await eventually(async () => {
      const list = await call<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', alice);
      return list.body.items.find((m) => m.subject === `Re: ${subject}`);
    });
    const atAlice = await call<MessageRecord>(
      'GET',
      `/mailboxes/me/messages/${answered.id}`,
      alice,
    );
    expect(atAlice.body.from?.address).toBe(OUTSIDER);
    expect(atAlice.body.text).toContain(`Received ${secret}, thanks`);

    // Alice's audit trail says what the browser did, paged like every list (limit, nextCursor).
    const kinds: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = new URLSearchParams({
        limit: '2',
        ...(cursor !== null && { cursor }),
      }).toString();
      const trail = await call<{ items: SecureEvent[]; nextCursor: string | null }>(
        'GET',
        `/mailboxes/me/messages/${sent.body.id}/secure?${query}`,
        alice,
      );
      expect(trail.status).toBe(200);
      expect(trail.body.items.length).toBeLessThanOrEqual(2);
      expect(trail.body).toHaveProperty('nextCursor');
      kinds.push(...trail.body.items.map((e) => e.kind));
      cursor = trail.body.nextCursor;
    } while (cursor !== null);
    expect(kinds).toEqual([
      'notified',
      'code-refused',
      'code-sent',
      'opened',
      'code-refused',
      'code-sent',
      'opened',
      'attachment-downloaded',
      'replied',
    ]);

    expect(violations).toEqual([]);
    expect(otherViolations).toEqual([]);
    expect(cookies).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
