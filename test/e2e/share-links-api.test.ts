import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { cspViolations, launchChromium } from '@test/support/chromium';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { uploadSmallFile } from '@test/support/share-upload';

let sesame: LocalRuntime | undefined;
let dataDir = '';
let api: ReturnType<typeof httpClient>;
let alice = '';
let bob = '';
let admin = '';
let browser: Browser;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('share-links-api'));
  api = httpClient(sesame.api.url);
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
  admin = await emulatorToken(sesame, {
    address: 'ops@demo.test',
    tenantId: 'demo',
    groups: ['platform-admin'],
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopTestSesame(sesame, dataDir);
});

interface CreatedLinks {
  id: string;
  url: string;
  expiresAt: string;
  links: { id: string; url: string; recipient?: string }[];
}

/** A small file of alice's, uploaded and scanned clean. */
async function cleanShare(bytes: Buffer = randomBytes(32 * 1024)) {
  const id = await uploadSmallFile(api, alice, {
    name: 'referral.pdf',
    contentType: 'application/pdf',
    bytes,
  });
  await scanned(id);
  return { id, bytes };
}

/**
 * Waits for the share's verdict: the object-created event reaches the scan queue a moment after
 * the completion, so an idle queue alone may not have seen it yet.
 */
async function scanned(id: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await sesame!.shareScanQueue.idle();
    const { body } = await api<{ state: string }>('GET', `/shares/${id}`, alice);
    if (body.state !== 'scanning') return body.state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`share ${id} was not scanned`);
}

const pathOf = (url: string) => new URL(url).pathname;

describe('the owner’s links', () => {
  it('creates one link per recipient, lists them with the share, and revokes one at once', async () => {
    const { id } = await cleanShare();
    const created = await api<CreatedLinks>('POST', `/shares/${id}/links`, alice, {
      recipients: ['gp@partner.example', 'ward@partner.example'],
      maxDownloads: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: created.body.links[0]!.id,
      url: created.body.links[0]!.url,
    });
    expect(created.body.links.map((l) => l.recipient)).toEqual([
      'gp@partner.example',
      'ward@partner.example',
    ]);
    const [gp, ward] = created.body.links;
    expect((await api('GET', pathOf(gp!.url))).status).toBe(200);
    expect((await api('DELETE', `/shares/${id}/links/${gp!.id}`, alice)).status).toBe(204);
    expect((await api('GET', pathOf(gp!.url))).status).toBe(410);
    expect((await api('GET', pathOf(ward!.url))).status).toBe(200);
    const share = await api<{ links: { id: string; state: string }[] }>(
      'GET',
      `/shares/${id}`,
      alice,
    );
    expect(share.body.links.map((l) => [l.id, l.state])).toEqual([
      [gp!.id, 'revoked'],
      [ward!.id, 'active'],
    ]);
  });

  it('refuses bad input with a stable code and changes nothing', async () => {
    const { id } = await cleanShare();
    for (const body of [
      { maxDownloads: 0 },
      { maxDownloads: 101 },
      { notify: 'sometimes' },
      { password: 'short' },
    ]) {
      const answer = await api('POST', `/shares/${id}/links`, alice, body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('InputValidationError');
    }
    const tooLong = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const answer = await api('POST', `/shares/${id}/links`, alice, { expiresAt: tooLong });
    expect([answer.status, answer.body.code]).toEqual([400, 'LinkTooLong']);
    expect(
      (await api<{ items: unknown[] }>('GET', `/shares/${id}/links`, alice)).body.items,
    ).toEqual([]);
  });

  it('gives another user’s share nothing: 404', async () => {
    const { id } = await cleanShare();
    const answer = await api('POST', `/shares/${id}/links`, bob, {});
    expect([answer.status, answer.body.code]).toEqual([404, 'NoSuchShare']);
  });

  it('tells the owner of the first download by a message in their inbox', async () => {
    const { id } = await cleanShare();
    const created = await api<CreatedLinks>('POST', `/shares/${id}/links`, alice, {
      notify: 'first',
    });
    for (let i = 0; i < 2; i++) {
      const grant = await fetch(`${sesame!.api.url}${pathOf(created.body.url)}/download`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'user-agent': 'e2e-agent' },
      });
      expect(grant.status).toBe(303);
    }
    const inbox = await api<{ items: { subject: string; snippet: string }[] }>(
      'GET',
      '/mailboxes/me/messages?limit=100',
      alice,
    );
    const notices = inbox.body.items.filter((m) => m.subject === 'Downloaded: referral.pdf');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.snippet).toContain('e2e-agent');
    const events = await api<{
      items: { kind: string; userAgent?: string; clientAddress?: string }[];
    }>('GET', `/shares/${id}/events?limit=100`, alice);
    const grants = events.body.items.filter((e) => e.kind === 'download-granted');
    expect(grants).toHaveLength(2);
    expect(grants[0]).toMatchObject({ userAgent: 'e2e-agent', clientAddress: '127.0.0.1' });
  });
});

describe('abuse reports and takedown', () => {
  it('records a rate-limited report the tenant admin lists, and a takedown ends every link at once', async () => {
    const { id } = await cleanShare();
    const created = await api<CreatedLinks>('POST', `/shares/${id}/links`, alice, {
      recipients: ['a@partner.example', 'b@partner.example'],
    });
    const [first, second] = created.body.links;
    const report = (reason: string) =>
      api('POST', `${pathOf(first!.url)}/report`, undefined, { reason });
    expect((await report('This is not a referral, it is spam')).status).toBe(202);
    expect((await report('again')).status).toBe(202);
    expect((await report('and again')).status).toBe(202);
    const limited = await report('one too many');
    expect([limited.status, limited.body.code]).toEqual([429, 'TooManyReports']);
    const reports = await api<{ items: { shareId: string; reason: string }[] }>(
      'GET',
      '/tenants/demo/share-reports',
      admin,
    );
    expect(reports.body.items.filter((r) => r.shareId === id)).toHaveLength(3);
    expect((await api('GET', '/tenants/demo/share-reports', alice)).status).toBe(403);
    const listed = await api<{ items: { id: string; owner: string }[] }>(
      'GET',
      '/tenants/demo/shares',
      admin,
    );
    expect(listed.body.items.find((s) => s.id === id)?.owner).toBe('alice@demo.test');
    const takedown = await api('POST', `/tenants/demo/shares/${id}/takedown`, admin);
    expect([takedown.status, takedown.body.takenDown]).toEqual([200, true]);
    for (const link of [first!, second!])
      expect((await api('GET', pathOf(link.url))).status).toBe(410);
    const relink = await api('POST', `/shares/${id}/links`, alice, {});
    expect([relink.status, relink.body.code]).toEqual([409, 'ShareNotShareable']);
  });
});

describe('request files in Chromium', () => {
  it('uploads files from the public page into the requester’s share space, scanned before use', async () => {
    const requested = await api<{ id: string; url: string; expiresAt: string }>(
      'POST',
      '/share-requests',
      alice,
      { note: 'Please send the scan results', maxFiles: 2 },
    );
    expect(requested.status).toBe(201);
    const small = randomBytes(100 * 1024);
    // Two parts of the default 8 MiB: the page's script uploads it in parts.
    const large = randomBytes(9 * 1024 * 1024);
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = cspViolations(page);
    await page.goto(requested.body.url);
    expect(await page.textContent('#requester-name')).toBe('Alice Example');
    expect(await page.textContent('#note')).toBe('Please send the scan results');
    await page.setInputFiles('#files', [
      { name: 'scan-results.pdf', mimeType: 'application/pdf', buffer: small },
      { name: 'mri-series.dcm', mimeType: 'application/dicom', buffer: large },
    ]);
    await page.click('#upload');
    await page.locator('#uploads li[data-state="done"]').nth(1).waitFor({ timeout: 60_000 });
    expect(await page.locator('#uploads li[data-state="failed"]').count()).toBe(0);
    expect(violations).toEqual([]);
    await context.close();
    const shares = await api<{
      items: { id: string; name: string; state: string; size: number }[];
    }>('GET', '/shares?limit=100', alice);
    for (const [name, bytes] of [
      ['scan-results.pdf', small],
      ['mri-series.dcm', large],
    ] as const) {
      const share = shares.body.items.find((s) => s.name === name);
      expect(share?.size).toBe(bytes.length);
      expect(await scanned(share!.id)).toBe('clean');
      const link = await api<CreatedLinks>('POST', `/shares/${share!.id}/links`, alice, {});
      const grant = await fetch(`${sesame!.api.url}${pathOf(link.body.url)}/download`, {
        method: 'POST',
      });
      expect(Buffer.from(await grant.arrayBuffer()).equals(bytes)).toBe(true);
    }
    // The request took its two files; its link now answers 410.
    expect((await api('GET', pathOf(requested.body.url))).status).toBe(410);
  });
});

describe('request files over HTTP', () => {
  interface Started {
    id: string;
    partSize: number;
    partCount: number;
    parts: { partNumber: number; url: string }[];
  }

  it('resumes an interrupted upload, sending only the missing part', async () => {
    const requested = await api<{ url: string }>('POST', '/share-requests', alice, {});
    const base = `${pathOf(requested.body.url)}/files`;
    const bytes = randomBytes(9 * 1024 * 1024);
    const started = await api<Started>('POST', base, undefined, {
      name: 'x-ray.dcm',
      size: bytes.length,
      contentType: 'application/dicom',
    });
    expect(started.status).toBe(201);
    const { id, partSize, parts } = started.body;
    // Only part 1 arrives before the "crash".
    expect(
      (await fetch(parts[0]!.url, { method: 'PUT', body: bytes.subarray(0, partSize) })).status,
    ).toBe(200);
    const early = await api('POST', `${base}/${id}/complete`);
    expect([early.status, early.body.code]).toEqual([409, 'ShareIncomplete']);
    const progress = await api<{ missing: number[] }>('GET', `${base}/${id}/upload`);
    expect(progress.body.missing).toEqual([2]);
    const fresh = await api<{ parts: { url: string }[] }>(
      'POST',
      `${base}/${id}/parts`,
      undefined,
      {
        partNumbers: [2],
      },
    );
    expect(
      (await fetch(fresh.body.parts[0]!.url, { method: 'PUT', body: bytes.subarray(partSize) }))
        .status,
    ).toBe(200);
    const done = await api('POST', `${base}/${id}/complete`);
    expect([done.status, done.body.state]).toEqual([202, 'scanning']);
    // Another request's link reaches nothing of this one's files.
    const other = await api<{ url: string }>('POST', '/share-requests', bob, {});
    const foreign = await api('GET', `${pathOf(other.body.url)}/files/${id}/upload`);
    expect([foreign.status, foreign.body.code]).toEqual([410, 'RequestGone']);
  });

  it('refuses a file over the requester’s tier, and answers unknown request links with one 410', async () => {
    const requested = await api<{ url: string }>('POST', '/share-requests', alice, {});
    const tooLarge = await api('POST', `${pathOf(requested.body.url)}/files`, undefined, {
      name: 'huge.bin',
      size: 3 * 1024 ** 3,
      contentType: 'application/octet-stream',
    });
    expect([tooLarge.status, tooLarge.body.code]).toEqual([413, 'ShareFileTooLarge']);
    const unknown = await fetch(`${sesame!.api.url}/r/${'B'.repeat(43)}`);
    const malformed = await fetch(`${sesame!.api.url}/r/nope`);
    expect([unknown.status, malformed.status]).toEqual([410, 410]);
    expect(await unknown.text()).toBe(await malformed.text());
    const bad = await api('POST', '/share-requests', alice, { maxFiles: 0 });
    expect([bad.status, bad.body.code]).toEqual([400, 'InputValidationError']);
  });
});
