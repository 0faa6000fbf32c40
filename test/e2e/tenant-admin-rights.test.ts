import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '@shared/http/problem';
import { TENANTS_PARTITION } from '@shared/store/dynamo-tenancy-store';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { httpClient } from '@test/support/http-client';
import { emulatorToken } from '@test/support/emulator-token';

let dataDir: string;
let sesame: LocalRuntime;
let api: ReturnType<typeof httpClient>;
let platform: string;
let tenantA: string;
let tenantB: string;
let boss: string;
/** Tenant B's admin. */
let bea: string;

/** A token as Cognito would issue it: the groups are what the user pool says, not the table. */
const token = (address: string, tenantId: string, admin = true) =>
  emulatorToken(sesame, { address, tenantId, ...(admin && { groups: ['tenant-admin'] }) });

async function user(tenantId: string, address: string, role: string) {
  const created = await api('POST', `/tenants/${tenantId}/users`, platform, {
    address,
    displayName: address,
    role,
  });
  expect(created.status).toBe(201);
}

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('rights'));
  api = httpClient(sesame.api.url);
  platform = await emulatorToken(sesame, {
    address: 'ops@demo.test',
    tenantId: 'demo',
    groups: ['platform-admin'],
  });
  const tenant = async (name: string, domain: string) =>
    (
      await api<{ id: string }>('POST', '/admin/tenants', platform, {
        name,
        tier: 'commodity',
        domains: [domain],
      })
    ).body.id;
  tenantA = await tenant('Rights A', 'rights-a.test');
  tenantB = await tenant('Rights B', 'rights-b.test');
  await user(tenantA, 'boss@rights-a.test', 'tenant-admin');
  await user(tenantA, 'bob@rights-a.test', 'tenant-admin');
  await user(tenantA, 'carl@rights-a.test', 'tenant-admin');
  await user(tenantA, 'ann@rights-a.test', 'user');
  await user('demo', 'dee@demo.test', 'tenant-admin');
  await user(tenantB, 'bea@rights-b.test', 'tenant-admin');
  boss = await token('boss@rights-a.test', tenantA);
  bea = await token('bea@rights-b.test', tenantB);
});

afterAll(async () => {
  await stopTestSesame(sesame, dataDir);
});

describe('tenant-admin rights rest on the group claim and the stored role together', () => {
  it('a demoted admin, still in the Cognito group, is refused on every tenant-admin route', async () => {
    const bob = await token('bob@rights-a.test', tenantA);
    expect((await api('GET', `/tenants/${tenantA}/usage`, bob)).status).toBe(200);

    const demoted = await api('PATCH', `/tenants/${tenantA}/users/bob@rights-a.test`, boss, {
      role: 'user',
    });
    expect([demoted.status, demoted.body.role]).toEqual([200, 'user']);

    const usage = await api('GET', `/tenants/${tenantA}/usage`, bob);
    expect([usage.status, usage.type, usage.body.code]).toEqual([
      403,
      PROBLEM_CONTENT_TYPE,
      'Forbidden',
    ]);
    const patch = await api('PATCH', `/tenants/${tenantA}/users/ann@rights-a.test`, bob, {
      status: 'leaver',
    });
    expect(patch.status).toBe(403);
    expect((await api('GET', '/me', bob)).body).toMatchObject({ role: 'user' });
  });

  it('a transferred admin whose token names the new tenant is not its admin there', async () => {
    const offered = await api<{ id: string }>(
      'POST',
      `/tenants/${tenantA}/users/carl@rights-a.test/transfer`,
      boss,
      { toTenantId: tenantB },
    );
    const moved = await api('POST', `/tenants/${tenantB}/transfers/${offered.body.id}/accept`, bea);
    expect(moved.body).toMatchObject({ applied: true });

    // The user pool's custom:tenantId is updated; the tenant-admin group is left as it was.
    const carl = await token('carl@rights-a.test', tenantB);
    expect((await api('GET', '/me', carl)).body).toMatchObject({ tenantId: tenantB, role: 'user' });
    expect((await api('GET', `/tenants/${tenantB}/usage`, carl)).status).toBe(403);
    const planted = await api('POST', `/tenants/${tenantB}/users`, carl, {
      address: 'planted@rights-b.test',
      displayName: 'Planted',
    });
    expect(planted.status).toBe(403);
  });
});

describe('a transfer needs the receiving tenant’s consent', () => {
  interface Offer {
    id: string;
    status: string;
    plan: { to: { tenantId: string; quotaBytes: number } };
  }

  it('is offered by the sender, seen by both, accepted by the receiver once', async () => {
    await user(tenantA, 'ann2@rights-a.test', 'user');
    const offered = await api<Offer>(
      'POST',
      `/tenants/${tenantA}/users/ann2@rights-a.test/transfer`,
      boss,
      { toTenantId: tenantB },
    );
    expect(offered.status).toBe(201);
    const id = offered.body.id;

    for (const [tenantId, admin] of [
      [tenantA, boss],
      [tenantB, bea],
    ] as const) {
      const listed = await api<{ items: Offer[] }>('GET', `/tenants/${tenantId}/transfers`, admin);
      expect(listed.body.items.find((o) => o.id === id)).toMatchObject({
        status: 'open',
        plan: { to: { tenantId: tenantB } },
      });
    }
    // A third tenant's admin learns nothing, by either tenant's path or their own.
    const dee = await token('dee@demo.test', 'demo');
    expect((await api('GET', `/tenants/${tenantB}/transfers/${id}`, dee)).status).toBe(404);
    const own = await api('GET', `/tenants/demo/transfers/${id}`, dee);
    expect([own.status, own.body.code]).toEqual([404, 'NoSuchOffer']);
    expect((await api('POST', `/tenants/demo/transfers/${id}/accept`, dee)).status).toBe(404);

    // The sender cannot consent for the receiver.
    const self = await api('POST', `/tenants/${tenantA}/transfers/${id}/accept`, boss);
    expect([self.status, self.body.code]).toEqual([403, 'Forbidden']);

    const preview = await api('POST', `/tenants/${tenantB}/transfers/${id}/accept`, bea, {
      dryRun: true,
    });
    expect([preview.status, preview.body.applied]).toEqual([200, false]);
    const ann = await token('ann2@rights-a.test', tenantA, false);
    expect((await api('GET', '/me', ann)).body).toMatchObject({ tenantId: tenantA });

    const accepted = await api('POST', `/tenants/${tenantB}/transfers/${id}/accept`, bea);
    expect([accepted.status, accepted.body.applied]).toEqual([200, true]);
    const again = await api('POST', `/tenants/${tenantB}/transfers/${id}/accept`, bea);
    expect([again.status, again.type, again.body.code]).toEqual([
      409,
      PROBLEM_CONTENT_TYPE,
      'OfferNotOpen',
    ]);
  });

  it('once withdrawn by the sender, cannot be accepted', async () => {
    await user(tenantA, 'fay@rights-a.test', 'user');
    const offered = await api<Offer>(
      'POST',
      `/tenants/${tenantA}/users/fay@rights-a.test/transfer`,
      boss,
      { toTenantId: tenantB },
    );
    const path = `/tenants/${tenantA}/transfers/${offered.body.id}`;
    const withdrawn = await api<Offer>('DELETE', path, boss);
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'withdrawn']);
    const accept = `/tenants/${tenantB}/transfers/${offered.body.id}/accept`;
    expect((await api('POST', accept, bea)).body.code).toBe('OfferNotOpen');
    const fay = await token('fay@rights-a.test', tenantA, false);
    expect((await api('GET', '/me', fay)).body).toMatchObject({ tenantId: tenantA });
  });
});

describe('a platform operator’s mailbox', () => {
  it('is marked platform-admin by a platform admin only, and then no tenant admin can lock them out', async () => {
    const dee = await token('dee@demo.test', 'demo');
    const alice = '/tenants/demo/users/alice@demo.test';
    const grab = await api('PATCH', '/tenants/demo/users/bob@demo.test', dee, {
      role: 'platform-admin',
    });
    expect([grab.status, grab.body.code]).toEqual([403, 'Forbidden']);

    const marked = await api('PATCH', alice, platform, { role: 'platform-admin' });
    expect([marked.status, marked.body.role]).toEqual([200, 'platform-admin']);

    for (const body of [{ status: 'leaver' }, { role: 'user' }, { displayName: 'Not Alice' }]) {
      const refused = await api('PATCH', alice, dee, body);
      expect([refused.status, refused.body.code], JSON.stringify(body)).toEqual([403, 'Forbidden']);
    }
    const transfer = await api('POST', `${alice}/transfer`, dee, { toTenantId: tenantA });
    expect(transfer.status).toBe(403);

    expect((await api('GET', '/me', platform)).body).toMatchObject({
      tenantId: 'demo',
      role: 'platform-admin',
      displayName: 'Demo Operator',
    });
  });
});

describe('platform-admin rights rest on the group claim and the stored role together', () => {
  it('the platform-admin group alone, without the stored role, opens no platform route', async () => {
    const bob = await emulatorToken(sesame, {
      address: 'bob@demo.test',
      tenantId: 'demo',
      groups: ['platform-admin'],
    });
    const tenants = await api('GET', '/admin/tenants', bob);
    expect([tenants.status, tenants.type, tenants.body.code]).toEqual([
      403,
      PROBLEM_CONTENT_TYPE,
      'Forbidden',
    ]);
    expect((await api('GET', `/tenants/${tenantA}/usage`, bob)).status).toBe(404);
  });

  it('an operator whose stored role is removed loses the rights on the next request', async () => {
    const created = await api('POST', '/tenants/demo/users', platform, {
      address: 'op2@demo.test',
      displayName: 'Second Operator',
    });
    expect(created.status).toBe(201);
    const op2 = await emulatorToken(sesame, {
      address: 'op2@demo.test',
      tenantId: 'demo',
      groups: ['platform-admin'],
    });
    const promoted = await api('PATCH', '/tenants/demo/users/op2@demo.test', platform, {
      role: 'platform-admin',
    });
    expect(promoted.status).toBe(200);
    expect((await api('GET', '/admin/tenants', op2)).status).toBe(200);
    expect((await api('GET', `/tenants/${tenantA}/usage`, op2)).status).toBe(200);

    const removed = await api('PATCH', '/tenants/demo/users/op2@demo.test', platform, {
      role: 'user',
    });
    expect([removed.status, removed.body.role]).toEqual([200, 'user']);

    // The same token, still in the Cognito group: refused at once.
    expect((await api('GET', '/admin/tenants', op2)).status).toBe(403);
    expect((await api('GET', `/tenants/${tenantA}/usage`, op2)).status).toBe(404);
  });
});

describe('a page cursor with empty keys', () => {
  it('is a 400 InvalidCursor, not a 500', async () => {
    const cursor = Buffer.from(
      JSON.stringify({ PK: '', SK: '', GSI3PK: TENANTS_PARTITION, GSI3SK: '' }),
    ).toString('base64url');
    const answer = await api('GET', `/admin/tenants?cursor=${cursor}`, platform);
    expect([answer.status, answer.type, answer.body.code]).toEqual([
      400,
      PROBLEM_CONTENT_TYPE,
      'InvalidCursor',
    ]);
  });
});
