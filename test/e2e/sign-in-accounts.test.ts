import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLAIMS } from '@shared/http/identity';
import { localCognitoClient } from '../../infra/local/cognito-emulator';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import type { httpClient } from '@test/support/http-client';
import { useOperatorSesame } from '@test/support/operator-sesame';

let sesame: LocalRuntime;
let api: ReturnType<typeof httpClient>;
let platform: string;
useOperatorSesame('sign-in', (started) => ({ sesame, api, platform } = started));

async function addUser(address: string, role?: 'tenant-admin') {
  const created = await api('POST', '/tenants/demo/users', platform, {
    address,
    displayName: address.split('@')[0],
    ...(role && { role }),
  });
  expect(created.status).toBe(201);
}

async function accountOf(address: string) {
  const client = localCognitoClient(sesame.cognito.endpoint);
  try {
    return await client.send(
      new AdminGetUserCommand({ UserPoolId: sesame.cognito.userPoolId, Username: address }),
    );
  } finally {
    client.destroy();
  }
}

describe('sign-in accounts follow the directory', () => {
  it('a user created by the API signs in at the emulator and reads their mailbox', async () => {
    await addUser('carl@demo.test');
    const token = await sesame.cognito.signIn('carl@demo.test');
    expect(decodeJwt(token)).toMatchObject({
      [CLAIMS.address]: 'carl@demo.test',
      [CLAIMS.tenantId]: 'demo',
      email_verified: true,
      token_use: 'id',
      iss: sesame.cognito.issuer,
      aud: sesame.cognito.clientId,
    });
    expect(decodeJwt(token)[CLAIMS.groups]).toBeUndefined();
    const inbox = await api('GET', '/mailboxes/me/messages', token);
    expect(inbox.status).toBe(200);
    expect(inbox.body).toMatchObject({ items: [], nextCursor: null });
  });

  it('the demo operator signs in in the platform-admin group and opens the platform routes', async () => {
    const token = await sesame.cognito.signIn('ops@demo.test');
    expect(decodeJwt(token)).toMatchObject({
      [CLAIMS.address]: 'ops@demo.test',
      [CLAIMS.groups]: ['platform-admin'],
    });
    expect((await api('GET', '/admin/tenants', token)).status).toBe(200);
  });

  it('a role change moves the account between groups, so the next token claims it', async () => {
    await addUser('dora@demo.test');
    const promoted = await api('PATCH', '/tenants/demo/users/dora@demo.test', platform, {
      role: 'tenant-admin',
    });
    expect(promoted.status).toBe(200);
    const admin = await sesame.cognito.signIn('dora@demo.test');
    expect(decodeJwt(admin)[CLAIMS.groups]).toEqual(['tenant-admin']);
    expect((await api('GET', '/tenants/demo/usage', admin)).status).toBe(200);

    await api('PATCH', '/tenants/demo/users/dora@demo.test', platform, { role: 'user' });
    const plain = await sesame.cognito.signIn('dora@demo.test');
    expect(decodeJwt(plain)[CLAIMS.groups]).toBeUndefined();
  });

  it('a leaver is disabled in the pool and their unexpired token is refused with 403', async () => {
    await addUser('eve@demo.test');
    const token = await sesame.cognito.signIn('eve@demo.test');
    expect((await api('GET', '/mailboxes/me/messages', token)).status).toBe(200);

    const left = await api('PATCH', '/tenants/demo/users/eve@demo.test', platform, {
      status: 'leaver',
    });
    expect(left.status).toBe(200);
    expect((await accountOf('eve@demo.test')).Enabled).toBe(false);
    const refused = await api('GET', '/mailboxes/me/messages', token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'Forbidden' });
  });

  it('an accepted transfer sets the tenant attribute and drops the role groups', async () => {
    const tenant = await api('POST', '/admin/tenants', platform, {
      name: 'Elsewhere',
      tier: 'commodity',
      domains: ['elsewhere-sign-in.test'],
    });
    expect(tenant.status).toBe(201);
    const toTenantId = tenant.body.id as string;
    await addUser('fred@demo.test', 'tenant-admin');

    const offered = await api('POST', '/tenants/demo/users/fred@demo.test/transfer', platform, {
      toTenantId,
    });
    expect(offered.status).toBe(201);
    // Offered only: the account is untouched until the receiving tenant accepts.
    expect(decodeJwt(await sesame.cognito.signIn('fred@demo.test'))).toMatchObject({
      [CLAIMS.tenantId]: 'demo',
      [CLAIMS.groups]: ['tenant-admin'],
    });
    const accepted = await api(
      'POST',
      `/tenants/${toTenantId}/transfers/${offered.body.id}/accept`,
      platform,
    );
    expect(accepted.status).toBe(200);
    const token = await sesame.cognito.signIn('fred@demo.test');
    expect(decodeJwt(token)).toMatchObject({ [CLAIMS.tenantId]: toTenantId });
    expect(decodeJwt(token)[CLAIMS.groups]).toBeUndefined();
    expect((await api('GET', '/me', token)).body).toMatchObject({ tenantId: toTenantId });
  });
});
