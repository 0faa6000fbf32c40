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

/** A token as Cognito would issue it: the groups are what the user pool says, not the table. */
const token = (address: string, tenantId: string, admin = true) =>
  emulatorToken(sesame, { address, tenantId, ...(admin && { groups: ['tenant-admin'] }) });

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('rights'));
  api = httpClient(sesame.api.url);
  platform = await emulatorToken(sesame, {
    address: 'alice@demo.test',
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
  const user = async (tenantId: string, address: string, role: string) => {
    const created = await api('POST', `/tenants/${tenantId}/users`, platform, {
      address,
      displayName: address,
      role,
    });
    expect(created.status).toBe(201);
  };
  await user(tenantA, 'boss@rights-a.test', 'tenant-admin');
  await user(tenantA, 'bob@rights-a.test', 'tenant-admin');
  await user(tenantA, 'carl@rights-a.test', 'tenant-admin');
  await user(tenantA, 'ann@rights-a.test', 'user');
  await user('demo', 'dee@demo.test', 'tenant-admin');
  boss = await token('boss@rights-a.test', tenantA);
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
    const moved = await api('POST', `/tenants/${tenantA}/users/carl@rights-a.test/transfer`, boss, {
      toTenantId: tenantB,
    });
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

    expect((await api('GET', '/admin/tenants', platform)).status).toBe(200);
    expect((await api('GET', '/me', platform)).body).toMatchObject({
      tenantId: 'demo',
      role: 'platform-admin',
      displayName: 'Alice Example',
    });
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
