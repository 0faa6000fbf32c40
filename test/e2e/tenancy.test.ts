import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTiers } from '@shared/config/tiers';
import { PROBLEM_CONTENT_TYPE } from '@shared/http/problem';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { parseLocalVerdicts } from '../../infra/local/local-verdicts';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { httpClient } from '@test/support/http-client';
import { emulatorToken } from '@test/support/emulator-token';

/** Tiny tiers, so a quota fills with a handful of 100 KB messages. */
const QUOTA = 1_000_000;
const tiers = resolveTiers({
  commodity: { mailboxBytes: QUOTA },
  premium: { mailboxBytes: QUOTA, largeMailboxBytes: 5 * QUOTA },
});
const CONCURRENT_MAILS = 15;

let dataDir: string;
let sesame: LocalRuntime;
let api: ReturnType<typeof httpClient>;
let platform: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('tenancy', {
    tiers,
    queue: { backoffMs: () => 50 },
    // Authenticated senders: what does not fit bounces (5.2.2) rather than being refused.
    verdicts: parseLocalVerdicts('pass'),
  }));
  api = httpClient(sesame.api.url);
  // The demo operator: the platform-admin group in the token and the role stored on the mailbox.
  platform = await emulatorToken(sesame, {
    address: 'ops@demo.test',
    tenantId: 'demo',
    groups: ['platform-admin'],
  });
});

afterAll(async () => {
  await stopTestSesame(sesame, dataDir);
});

const CSV = [
  'address,displayName,jobTitle,role',
  'ann@elsewhere.test,Ann Able,Ward sister,',
  'ben@elsewhere.test,"Baker, Ben",Porter,user',
  'cat@elsewhere.test,Cat Cole,,tenant-admin',
  '',
].join('\r\n');

async function importCsv(tenantId: string, token: string, csv: string) {
  const started = await api<{ jobId: string; upload: { url: string; method: string } }>(
    'POST',
    `/tenants/${tenantId}/imports`,
    token,
  );
  expect(started.status).toBe(201);
  const put = await fetch(started.body.upload.url, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  expect(put.status).toBe(200);
  return started.body.jobId;
}

function bouncesIn(outbox: string, status: string): number {
  let files: string[];
  try {
    files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
  } catch {
    return 0; // no bounce was ever written
  }
  return files.filter((f) => readFileSync(join(outbox, f), 'utf8').includes(status)).length;
}

describe('a tenant created and filled through the API only', () => {
  let tenantId: string;
  let admin: string;

  it('is created by a platform admin, with its domain claimed once', async () => {
    const created = await api<{ id: string }>('POST', '/admin/tenants', platform, {
      name: 'St Elsewhere',
      tier: 'premium',
      domains: ['elsewhere.test'],
      largeMailboxSeats: 1,
    });
    expect(created.status).toBe(201);
    tenantId = created.body.id;
    expect(created.body).toMatchObject({
      name: 'St Elsewhere',
      tier: 'premium',
      largeMailboxSeats: 1,
      largeMailboxSeatsUsed: 0,
    });

    const again = await api('POST', '/admin/tenants', platform, {
      name: 'Copy',
      tier: 'commodity',
      domains: ['elsewhere.test'],
    });
    expect([again.status, again.type, again.body.code]).toEqual([
      409,
      PROBLEM_CONTENT_TYPE,
      'DomainTaken',
    ]);
    const bad = await api('POST', '/admin/tenants', platform, {
      name: '',
      tier: 'gold',
      domains: [],
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'InputValidationError']);

    const boss = await api('POST', `/tenants/${tenantId}/users`, platform, {
      address: 'boss@elsewhere.test',
      displayName: 'Bo Boss',
      role: 'tenant-admin',
    });
    expect(boss.status).toBe(201);
    admin = await emulatorToken(sesame, {
      address: 'boss@elsewhere.test',
      tenantId,
      groups: ['tenant-admin'],
    });
  });

  it('registers staff from a CSV uploaded to a presigned URL: dry run, apply, and no duplicates on re-submission', async () => {
    const jobId = await importCsv(tenantId, admin, CSV);
    const dry = await api<{ status: string; rows: { outcome: string }[] }>(
      'POST',
      `/tenants/${tenantId}/imports/${jobId}/run`,
      admin,
      { dryRun: true },
    );
    expect(dry.status).toBe(200);
    expect(dry.body.status).toBe('validated');
    expect(dry.body.rows.map((r) => r.outcome)).toEqual([
      'would-create',
      'would-create',
      'would-create',
    ]);
    const none = await api('GET', '/directory?q=ann', admin);
    expect(none.body.items).toEqual([]);

    const applied = await api<{ status: string; rows: { outcome: string; address: string }[] }>(
      'POST',
      `/tenants/${tenantId}/imports/${jobId}/run`,
      admin,
      {},
    );
    expect(applied.body.status).toBe('applied');
    expect(applied.body.rows.map((r) => r.outcome)).toEqual(['created', 'created', 'created']);

    const again = await importCsv(tenantId, admin, CSV);
    const rerun = await api<{ rows: { outcome: string }[] }>(
      'POST',
      `/tenants/${tenantId}/imports/${again}/run`,
      admin,
      {},
    );
    expect(rerun.body.rows.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const job = await api<{ status: string; sha256: string }>(
      'GET',
      `/tenants/${tenantId}/imports/${again}`,
      admin,
    );
    expect(job.body.status).toBe('applied');

    const bad = await importCsv(
      tenantId,
      admin,
      'address,displayName\ndan@elsewhere.test,Dan\nnot-an-address,Eve\nfay@other.test,Fay\n',
    );
    const refused = await api<{ status: string; rows: { outcome: string }[] }>(
      'POST',
      `/tenants/${tenantId}/imports/${bad}/run`,
      admin,
      {},
    );
    expect(refused.body.status).toBe('invalid');
    expect(refused.body.rows.map((r) => r.outcome)).toEqual(['would-create', 'invalid', 'invalid']);
    const dan = await api('PATCH', `/tenants/${tenantId}/users/dan@elsewhere.test`, admin, {
      jobTitle: 'x',
    });
    expect([dan.status, dan.body.code]).toEqual([404, 'NoSuchUser']);

    const found = await api<{ items: unknown[] }>('GET', '/directory?q=bak&scope=national', admin);
    expect(found.body.items).toEqual([
      {
        address: 'ben@elsewhere.test',
        displayName: 'Baker, Ben',
        organisation: 'St Elsewhere',
        jobTitle: 'Porter',
      },
    ]);
  });

  it('gives the large-mailbox add-on while seats last, then answers 409 NoSeatLeft', async () => {
    const given = await api('PATCH', `/tenants/${tenantId}/users/ann@elsewhere.test`, admin, {
      largeMailbox: true,
    });
    expect(given.body).toMatchObject({ largeMailbox: true, quotaBytes: 5 * QUOTA });
    const none = await api('PATCH', `/tenants/${tenantId}/users/cat@elsewhere.test`, admin, {
      largeMailbox: true,
    });
    expect([none.status, none.body.code]).toEqual([409, 'NoSeatLeft']);
  });

  it('bounces what does not fit when 15 mails of 100 KB race into a 1 MB mailbox over SMTP', async () => {
    const transport = createTransport({
      host: sesame.smtp.host,
      port: sesame.smtp.port,
      ignoreTLS: true,
      pool: true,
      maxConnections: 5,
    });
    const body = 'x'.repeat(100_000);
    await Promise.all(
      Array.from({ length: CONCURRENT_MAILS }, (_, i) =>
        transport.sendMail({
          from: 'carol@partner.example',
          to: 'ben@elsewhere.test',
          subject: `Bulk ${i}`,
          text: body,
        }),
      ),
    );
    transport.close();
    await sesame.queue.idle();

    const ben = await emulatorToken(sesame, { address: 'ben@elsewhere.test', tenantId });
    const me = await api<{
      usedBytes: number;
      quotaBytes: number;
      tier: string;
      address: string;
      tenantId: string;
    }>('GET', '/me', ben);
    expect(me.body).toMatchObject({
      address: 'ben@elsewhere.test',
      tenantId,
      tier: 'premium',
      quotaBytes: QUOTA,
    });
    const list = await api<{ items: { subject: string; size: number }[] }>(
      'GET',
      '/mailboxes/me/messages?limit=100',
      ben,
    );
    const bulk = list.body.items.filter((m) => m.subject.startsWith('Bulk'));
    expect(me.body.usedBytes).toBeLessThanOrEqual(QUOTA);
    expect(me.body.usedBytes).toBe(bulk.reduce((sum, m) => sum + m.size, 0));
    expect(bulk.length + bouncesIn(join(dataDir, 'outbox'), '5.2.2')).toBe(CONCURRENT_MAILS);
  });

  it('reports usage that matches what was done, as JSON and CSV', async () => {
    const usage = await api('GET', `/tenants/${tenantId}/usage`, admin);
    const ben = await api<{ usedBytes: number }>(
      'GET',
      '/me',
      await emulatorToken(sesame, { address: 'ben@elsewhere.test', tenantId }),
    );
    expect(usage.body).toMatchObject({
      tenantId,
      registeredUsers: 4,
      activeUsers: 2, // boss and ben used the API
      largeMailboxSeats: 1,
      largeMailboxSeatsUsed: 1,
      storageUsedBytes: ben.body.usedBytes,
    });
    const csv = await api('GET', `/tenants/${tenantId}/usage?format=csv`, admin);
    expect(csv.type).toContain('text/csv');
    expect(csv.text.split('\r\n')[1]).toContain(
      `${tenantId},St Elsewhere,premium,4,2,0,1,1,${ben.body.usedBytes}`,
    );
    const platformUsage = await api<{ tenants: { tenantId: string }[] }>(
      'GET',
      '/admin/usage',
      platform,
    );
    expect(platformUsage.body.tenants.map((t) => t.tenantId)).toEqual(
      expect.arrayContaining(['demo', tenantId]),
    );
  });

  it('marks a leaver (sign-in refused) and transfers a user keeping the address', async () => {
    const left = await api('PATCH', `/tenants/${tenantId}/users/cat@elsewhere.test`, admin, {
      status: 'leaver',
    });
    expect(left.body).toMatchObject({ status: 'leaver' });
    const cat = await emulatorToken(sesame, { address: 'cat@elsewhere.test', tenantId });
    expect((await api('GET', '/me', cat)).status).toBe(403);

    const plan = await api(
      'POST',
      `/tenants/${tenantId}/users/ann@elsewhere.test/transfer`,
      admin,
      { toTenantId: 'demo', dryRun: true },
    );
    expect(plan.body).toMatchObject({
      applied: false,
      seatReturned: true,
      from: { quotaBytes: 5 * QUOTA },
      to: { tenantId: 'demo', quotaBytes: QUOTA },
    });
    const offered = await api<{ id: string }>(
      'POST',
      `/tenants/${tenantId}/users/ann@elsewhere.test/transfer`,
      admin,
      { toTenantId: 'demo' },
    );
    expect([offered.status, offered.body]).toMatchObject([201, { status: 'open' }]);
    // The receiving tenant (here its operator) consents; only then does Ann move.
    const moved = await api('POST', `/tenants/demo/transfers/${offered.body.id}/accept`, platform);
    expect(moved.body).toMatchObject({ applied: true });
    const ann = await emulatorToken(sesame, { address: 'ann@elsewhere.test', tenantId: 'demo' });
    expect((await api('GET', '/me', ann)).body).toMatchObject({
      address: 'ann@elsewhere.test',
      tenantId: 'demo',
      tier: 'commodity',
    });
    const tenants = await api<{ items: { id: string; largeMailboxSeatsUsed: number }[] }>(
      'GET',
      '/admin/tenants',
      platform,
    );
    expect(tenants.body.items.find((t) => t.id === tenantId)?.largeMailboxSeatsUsed).toBe(0);
  });
});
