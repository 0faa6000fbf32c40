import { readFileSync } from 'node:fs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLinkToken } from '@shared/share/link-token';
import { createLinks, revokeLink, type NewLinks } from '@shared/share/manage-links';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { keys } from '@shared/store/keys';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { cspViolations, launchChromium } from '@test/support/chromium';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { scannedShare, type ShareFixture } from '@test/support/share-fixtures';
import { standInClients, type StandInClients } from '@test/support/share-world';

const OWNER = 'alice@demo.test';
const SENDER = { name: 'Alice Example', address: OWNER, organisation: 'Demo NHS Trust' };

let sesame: LocalRuntime | undefined;
let dataDir = '';
let clients: StandInClients;
let browser: Browser;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('share-page'));
  clients = standInClients(sesame);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  clients?.destroy();
  await stopTestSesame(sesame, dataDir);
});

const url = (path: string) => `${sesame!.api.url}${path}`;

async function cleanShare(name = 'discharge-summary.pdf') {
  return scannedShare(clients.documents, clients.names.table, clients.blobs, {
    owner: OWNER,
    tenantId: 'demo',
    bucket: clients.names.shareBucket,
    name,
  });
}

async function linkTo(fixture: ShareFixture, request: Partial<NewLinks> = {}) {
  const links = new DynamoShareLinks(clients.documents, clients.names.table);
  const created = await createLinks(
    { shares: fixture.store, links },
    fixture.share,
    SENDER,
    { notify: 'none', ...request },
    { maxLinkDays: 7, publicBaseUrl: sesame!.api.url },
  );
  return created.map((link) => ({ ...link, token: link.url.split('/s/')[1] as string }));
}

/** What the answer says, without the per-response transport headers. */
async function answerOf(response: Response) {
  const headers = Object.fromEntries(
    [...response.headers].filter(
      ([name]) => !['date', 'apigw-requestid', 'connection', 'keep-alive'].includes(name),
    ),
  );
  return { status: response.status, headers, body: await response.text() };
}

describe('the public share page over HTTP', () => {
  it('is HTML with a strict CSP, nosniff, no referrer and no cookie', async () => {
    const [link] = await linkTo(await cleanShare());
    const response = await fetch(url(`/s/${link!.token}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('set-cookie')).toBeNull();
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('answers unknown, expired, revoked and exhausted links with the same 410', async () => {
    const fixture = await cleanShare();
    const [expired, revoked, exhausted] = await linkTo(fixture, {
      recipients: ['a@partner.example', 'b@partner.example', 'c@partner.example'],
      maxDownloads: 1,
    });
    await clients.documents.send(
      new UpdateCommand({
        TableName: clients.names.table,
        Key: keys.link(hashLinkToken(expired!.token)),
        UpdateExpression: 'SET linkExpiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const links = new DynamoShareLinks(clients.documents, clients.names.table);
    await revokeLink({ shares: fixture.store, links }, fixture.share, revoked!.id, OWNER);
    const spent = await fetch(url(`/s/${exhausted!.token}/download`), {
      method: 'POST',
      redirect: 'manual',
    });
    expect(spent.status).toBe(303);
    const tokens = ['A'.repeat(43), expired!.token, revoked!.token, exhausted!.token];
    for (const request of [
      (token: string) => fetch(url(`/s/${token}`)),
      (token: string) => fetch(url(`/s/${token}/download`), { method: 'POST', redirect: 'manual' }),
      (token: string) =>
        fetch(url(`/s/${token}/download`), {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
    ]) {
      const answers = await Promise.all(
        tokens.map(async (token) => answerOf(await request(token))),
      );
      expect(answers[0]!.status).toBe(410);
      for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    }
  });

  it('gives 50 concurrent downloads of a 3-download link exactly 3 grants', async () => {
    const [link] = await linkTo(await cleanShare(), { maxDownloads: 3 });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const response = await fetch(url(`/s/${link!.token}/download`), {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 303)).toHaveLength(3);
    expect(statuses.filter((s) => s === 410)).toHaveLength(47);
  });
});

describe('the public share page in Chromium', () => {
  it('shows the file, its sender and its scan, and downloads it in one click', async () => {
    const fixture = await cleanShare('Ward 7 handover.pdf');
    const [link] = await linkTo(fixture, { maxDownloads: 2 });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const violations = cspViolations(page);
    await page.goto(url(`/s/${link!.token}`));
    expect(await page.textContent('#file-name')).toBe('Ward 7 handover.pdf');
    expect(await page.textContent('#sender-name')).toBe('Alice Example');
    expect(await page.textContent('#sender-organisation')).toBe('Demo NHS Trust');
    expect(await page.textContent('#scan')).toBe('Scanned: no threats found');
    expect(await page.textContent('#downloads-left')).toBe('2');
    // The stylesheet from this origin applied (the CSP allowed it, nothing inline was needed).
    expect(await page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")).toBe(
      '576px',
    );
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('Ward 7 handover.pdf');
    const path = await download.path();
    expect(readFileSync(path).equals(fixture.bytes)).toBe(true);
    expect(violations).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('refuses a wrong password and downloads the byte-identical file with the right one', async () => {
    const fixture = await cleanShare('scan-results.zip');
    const [link] = await linkTo(fixture, { password: 'correct horse battery' });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const violations = cspViolations(page);
    await page.goto(url(`/s/${link!.token}`));
    await page.fill('#password', 'wrong guess');
    await page.click('#download');
    await page.waitForSelector('#notice');
    expect(await page.textContent('#notice')).toBe('The password is not right.');
    await page.fill('#password', 'correct horse battery');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(readFileSync(await download.path()).equals(fixture.bytes)).toBe(true);
    expect(violations).toEqual([]);
    await context.close();
  });
});
