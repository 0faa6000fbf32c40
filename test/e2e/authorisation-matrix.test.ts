import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { PROBLEM_CONTENT_TYPE } from '@shared/http/problem';
import { ROUTES, routeKey } from '@shared/http/routes';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { readRuntimeInfo } from '../../infra/local/runtime-file';
import { localDynamoClient } from '../../infra/local/stand-ins';
import { httpClient } from '@test/support/http-client';
import { emulatorToken } from '@test/support/emulator-token';

const SECRET_SUBJECT = 'Victim-only subject 7f3a';

let dataDir: string;
let sesame: LocalRuntime;
let api: ReturnType<typeof httpClient>;
let documents: DynamoDBDocumentClient;
const victim = {
  tenantId: '',
  address: 'vic@victim.test',
  messageId: '',
  threadId: '',
  shareId: '',
  jobId: '',
  offerId: '',
};
const tokens: Record<string, string> = {};

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('authz'));
  api = httpClient(sesame.api.url);
  const info = readRuntimeInfo(dataDir);
  documents = DynamoDBDocumentClient.from(localDynamoClient(info?.dynamoEndpoint ?? ''));
  const platform = await emulatorToken(sesame, {
    address: 'ops@demo.test',
    tenantId: 'demo',
    groups: ['platform-admin'],
  });

  const tenant = async (name: string, domain: string) =>
    (
      await api<{ id: string }>('POST', '/admin/tenants', platform, {
        name,
        tier: 'premium',
        domains: [domain],
        largeMailboxSeats: 2,
      })
    ).body.id;
  victim.tenantId = await tenant('Victim', 'victim.test');
  const other = await tenant('Other', 'other.test');
  const user = (tenantId: string, address: string, role = 'user') =>
    api('POST', `/tenants/${tenantId}/users`, platform, { address, displayName: address, role });
  await user(victim.tenantId, 'vic@victim.test');
  await user(victim.tenantId, 'vicadmin@victim.test', 'tenant-admin');
  await user(victim.tenantId, 'colleague@victim.test');
  await user(other, 'oadmin@other.test', 'tenant-admin');
  await user(other, 'ouser@other.test');

  const vicAdmin = await emulatorToken(sesame, {
    address: 'vicadmin@victim.test',
    tenantId: victim.tenantId,
    groups: ['tenant-admin'],
  });
  victim.jobId = (
    await api<{ jobId: string }>('POST', `/tenants/${victim.tenantId}/imports`, vicAdmin)
  ).body.jobId;
  // An open offer of the victim to a third tenant: other tenants must not see or touch it.
  const offered = await api<{ id: string }>(
    'POST',
    `/tenants/${victim.tenantId}/users/${victim.address}/transfer`,
    vicAdmin,
    { toTenantId: 'demo' },
  );
  expect(offered.status).toBe(201);
  victim.offerId = offered.body.id;
  const transport = createTransport({
    host: sesame.smtp.host,
    port: sesame.smtp.port,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: 'carol@partner.example',
    to: victim.address,
    subject: SECRET_SUBJECT,
    text: 'private',
  });
  await sesame.queue.idle();
  const vic = await emulatorToken(sesame, { address: victim.address, tenantId: victim.tenantId });
  const [message] = (
    await api<{ items: { id: string; threadId: string }[] }>('GET', '/mailboxes/me/messages', vic)
  ).body.items;
  victim.messageId = message?.id ?? '';
  victim.threadId = message?.threadId ?? '';
  // A share of the victim's, still uploading (issue 9): its id must open nothing to anyone else.
  victim.shareId = (
    await api<{ id: string }>('POST', '/shares', vic, {
      name: `${SECRET_SUBJECT}.pdf`,
      size: 1024,
      contentType: 'application/pdf',
    })
  ).body.id;
  expect(victim.shareId).toMatch(/^[\w-]{22}$/);

  tokens['another tenant’s admin'] = await emulatorToken(sesame, {
    address: 'oadmin@other.test',
    tenantId: other,
    groups: ['tenant-admin'],
  });
  tokens['another tenant’s user'] = await emulatorToken(sesame, {
    address: 'ouser@other.test',
    tenantId: other,
  });
  tokens['another user of the tenant'] = await emulatorToken(sesame, {
    address: 'colleague@victim.test',
    tenantId: victim.tenantId,
  });
  tokens['a forged tenant claim'] = await emulatorToken(sesame, {
    address: 'oadmin@other.test',
    tenantId: victim.tenantId,
    groups: ['tenant-admin'],
  });
});

afterAll(async () => {
  documents?.destroy();
  await stopTestSesame(sesame, dataDir);
});

/** A valid request against the victim's resources, so only authorisation can stop it. */
function requestFor(route: (typeof ROUTES)[number]) {
  const values: Record<string, string> = {
    tenantId: victim.tenantId,
    address: victim.address,
    id: route.path.includes('/threads/')
      ? victim.threadId
      : route.path.startsWith('/shares/')
        ? victim.shareId
        : route.path.includes('/folders/')
          ? // A well-formed user folder id: only the victim's mailbox could hold it.
            '0123456789abcdef'
          : victim.messageId,
    jobId: victim.jobId,
    domain: 'victim.test',
    offerId: victim.offerId,
    shareId: victim.shareId,
    linkId: 'a'.repeat(24),
    n: '1',
  };
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? victim.messageId),
  );
  const bodies: Record<string, unknown> = {
    'POST /admin/tenants': { name: 'Evil', tier: 'commodity', domains: ['evil.test'] },
    'PATCH /admin/tenants/{tenantId}': { tier: 'commodity', largeMailboxSeats: 0 },
    'POST /admin/tenants/{tenantId}/domains': { domain: 'planted.victim.test' },
    'POST /tenants/{tenantId}/users': { address: 'planted@victim.test', displayName: 'Planted' },
    'PATCH /tenants/{tenantId}/users/{address}': { displayName: 'Hacked', status: 'leaver' },
    'POST /tenants/{tenantId}/users/{address}/transfer': { toTenantId: 'demo' },
    'POST /tenants/{tenantId}/imports/{jobId}/run': { dryRun: false },
    // A request link is made in the caller's own share space; this body is refused (400) before
    // anything is written, like POST /shares' empty one (share-links).
    'POST /share-requests': { maxFiles: 0 },
    'POST /shares/{id}/parts': { partNumbers: [1] },
    'PATCH /shares/{id}/links/{linkId}': {
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    // Organising mail (issue 11): valid requests naming the victim's message.
    'PATCH /mailboxes/me/messages/{id}': { seen: true, folderId: 'archive' },
    'POST /mailboxes/me/messages/bulk': { ids: [victim.messageId], delete: true },
    'PATCH /mailboxes/me/folders/{id}': { name: 'Renamed' },
    // The caller's own mailbox: a name that is not valid, so that nothing is created.
    'POST /mailboxes/me/folders': { name: '' },
    'POST /tenants/{tenantId}/mailboxes/{address}/messages/{id}/release': {
      reason: 'not theirs to release',
    },
    // Sending (issue 10): answering the victim's message, from the caller's own mailbox.
    'POST /mailboxes/me/send': { to: ['x@partner.example'], replyTo: victim.messageId },
    'POST /mailboxes/me/drafts': { to: ['x@partner.example'], forwardOf: victim.messageId },
    'PUT /mailboxes/me/drafts/{id}': { to: ['x@partner.example'] },
    // Larger than any tier allows: refused (413) before anything is written.
    'POST /mailboxes/me/uploads': { name: 'a.pdf', size: 10 ** 12, contentType: 'application/pdf' },
  };
  const key = routeKey(route);
  return { path, body: bodies[key] ?? (route.method === 'GET' ? undefined : {}) };
}

/** Routes about the caller only: they answer, but with the caller's own data. */
const isOwnData = (path: string) =>
  path === '/me' ||
  path === '/directory' ||
  path === '/mailboxes/me/messages' ||
  // The caller's own shares (issue 9).
  path === '/shares' ||
  path === '/mailboxes/me/folders' ||
  path === '/mailboxes/me/recoverable' ||
  path === '/mailboxes/me/changes' ||
  path === '/mailboxes/me/search';

/** Query strings the caller's own lists need to answer. */
const QUERIES: Record<string, string> = {
  '/directory': '?q=vic&scope=tenant',
  '/mailboxes/me/changes': '?since=0',
  '/mailboxes/me/search': `?q=${encodeURIComponent(SECRET_SUBJECT)}`,
};

async function tableSnapshot() {
  const result = await documents.send(new ScanCommand({ TableName: LOCAL_RESOURCE_NAMES.table }));
  return (result.Items ?? []).sort((a, b) => `${a.PK}${a.SK}`.localeCompare(`${b.PK}${b.SK}`));
}

describe('every admin and mailbox endpoint, driven with the wrong tokens', () => {
  it('refuses (403/404) or answers with the caller’s own data only, and changes nothing', async () => {
    // Each caller's sighting is recorded first, so the snapshot covers every other write.
    for (const token of Object.values(tokens)) await api('GET', '/me', token);
    const before = await tableSnapshot();
    const refusals: string[] = [];

    for (const route of ROUTES.filter((r) => r.auth === 'jwt')) {
      for (const [who, token] of Object.entries(tokens)) {
        const { path, body } = requestFor(route);
        const query = QUERIES[path] ?? '';
        const answer = await api(route.method, `${path}${query}`, token, body);
        const label = `${routeKey(route)} as ${who}: ${answer.status}`;
        if (routeKey(route) === 'POST /mailboxes/me/messages/bulk' && answer.status === 200) {
          // The answer repeats the ids asked about, each refused as not the caller's.
          expect(JSON.parse(answer.text).results, label).toEqual([
            expect.objectContaining({ status: 404, code: 'NoSuchMessage' }),
          ]);
          continue;
        }
        expect(answer.text, label).not.toContain(SECRET_SUBJECT);
        expect(answer.text, label).not.toContain(victim.messageId);
        expect(answer.text, label).not.toContain(victim.shareId);
        // Starting an upload creates in the caller's own share space only; the empty body here is
        // refused (400) before anything is written, or the caller is (403).
        if (routeKey(route) === 'POST /shares' || routeKey(route) === 'POST /share-requests') {
          expect([400, 403], label).toContain(answer.status);
          continue;
        }
        // The caller's own mailbox or account; a body that is not valid there changes nothing.
        if (isOwnData(route.path) && [200, 400].includes(answer.status)) {
          // A colleague finds the victim in the tenant directory: that is what it is for.
          const colleague = who === 'another user of the tenant' && route.path === '/directory';
          if (!colleague) expect(answer.text, label).not.toContain(victim.address);
          continue;
        }
        // An upload names nothing of anyone's: it is refused on its size, writing nothing.
        if (route.path === '/mailboxes/me/uploads' && answer.status === 413) continue;
        expect([403, 404], label).toContain(answer.status);
        expect(answer.type, label).toBe(PROBLEM_CONTENT_TYPE);
        refusals.push(label);
      }
    }

    expect(await tableSnapshot()).toEqual(before);
    // Another tenant is never told the tenant exists; its own members are told they may not.
    expect(refusals).toContain(
      `PATCH /tenants/{tenantId}/users/{address} as another tenant’s admin: 404`,
    );
    expect(refusals).toContain(
      `PATCH /tenants/{tenantId}/users/{address} as another user of the tenant: 403`,
    );
    expect(refusals).toContain(`POST /admin/tenants as another tenant’s admin: 403`);
    expect(refusals).toContain(`GET /tenants/{tenantId}/domains as another tenant’s admin: 404`);
    expect(refusals).toContain(
      `DELETE /admin/tenants/{tenantId}/domains/{domain} as another tenant’s admin: 403`,
    );
    expect(refusals).toContain(
      `GET /mailboxes/me/messages/{id} as another user of the tenant: 404`,
    );
    expect(refusals).toContain(`GET /me as a forged tenant claim: 403`);
    expect(refusals).toContain(`GET /shares/{id} as another user of the tenant: 404`);
    expect(refusals).toContain(`DELETE /shares/{id} as another tenant’s user: 404`);
  });

  it('while the victim’s own admin gets through (the matrix is not refusing everything)', async () => {
    const vicAdmin = await emulatorToken(sesame, {
      address: 'vicadmin@victim.test',
      tenantId: victim.tenantId,
      groups: ['tenant-admin'],
    });
    const job = await api('GET', `/tenants/${victim.tenantId}/imports/${victim.jobId}`, vicAdmin);
    expect(job.status).toBe(200);
    const vic = await emulatorToken(sesame, { address: victim.address, tenantId: victim.tenantId });
    expect(
      (await api('GET', `/mailboxes/me/messages/${victim.messageId}`, vic)).body,
    ).toMatchObject({ subject: SECRET_SUBJECT });
  });
});
