import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';

type Answer = Record<string, unknown> | Error;

/** An SDK client stand-in: answers by command name, records every call in order. */
type Input = Record<string, unknown>;

function fakeCognito(answers: Record<string, Answer | ((input: Input) => Answer)>) {
  const calls: { command: string; input: Input }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Input }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ command: name, input: command.input });
      const answer = answers[name];
      const result = typeof answer === 'function' ? answer(command.input) : (answer ?? {});
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as Pick<CognitoIdentityProviderClient, 'send'>;
  return { client, calls, names: () => calls.map((call) => call.command) };
}

const sdkError = (name: string) => Object.assign(new Error(name), { name });
const existing = (tenantId: string, enabled = true) => ({
  Username: 'uuid-1',
  Enabled: enabled,
  UserAttributes: [
    { Name: 'email', Value: 'ann@east.test' },
    { Name: 'custom:tenantId', Value: tenantId },
  ],
});

const options = { userPoolId: 'eu-west-1_pool' };

describe('the Cognito adapter', () => {
  it('creates a missing account with a verified email, its tenant and groups, and invites', async () => {
    const cognito = fakeCognito({
      AdminGetUser: sdkError('UserNotFoundException'),
      AdminCreateUser: { User: { Username: 'uuid-1' } },
    });
    const result = await new CognitoIdentities(cognito.client, options).putAccount({
      address: 'ann@east.test',
      tenantId: 'east',
      groups: ['tenant-admin'],
      enabled: true,
    });
    expect(result).toEqual({ created: true });
    expect(cognito.names()).toEqual(['AdminGetUser', 'AdminCreateUser', 'AdminAddUserToGroup']);
    expect(cognito.calls[1]?.input).toMatchObject({
      UserPoolId: 'eu-west-1_pool',
      Username: 'ann@east.test',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [
        { Name: 'email', Value: 'ann@east.test' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenantId', Value: 'east' },
      ],
    });
    expect(cognito.calls[2]?.input).toMatchObject({
      Username: 'uuid-1',
      GroupName: 'tenant-admin',
    });
  });

  it('converges when another attempt created the account first (UsernameExists)', async () => {
    let reads = 0;
    const cognito = fakeCognito({
      AdminGetUser: () => (reads++ === 0 ? sdkError('UserNotFoundException') : existing('west')),
      AdminCreateUser: sdkError('UsernameExistsException'),
      AdminListGroupsForUser: { Groups: [{ GroupName: 'platform-admin' }, { GroupName: 'other' }] },
    });
    const result = await new CognitoIdentities(cognito.client, options).putAccount({
      address: 'ann@east.test',
      tenantId: 'east',
      groups: [],
      enabled: true,
    });
    expect(result).toEqual({ created: false });
    expect(cognito.names()).toEqual([
      'AdminGetUser',
      'AdminCreateUser',
      'AdminGetUser',
      'AdminUpdateUserAttributes',
      'AdminListGroupsForUser',
      'AdminRemoveUserFromGroup',
    ]);
    // Only role groups are sesame's to remove; a group it does not know is left alone.
    expect(cognito.calls[5]?.input).toMatchObject({ GroupName: 'platform-admin' });
  });

  it('disables a leaver and signs them out everywhere', async () => {
    const cognito = fakeCognito({ AdminGetUser: existing('east') });
    await new CognitoIdentities(cognito.client, options).putAccount({
      address: 'ann@east.test',
      tenantId: 'east',
      enabled: false,
    });
    expect(cognito.names()).toEqual(['AdminGetUser', 'AdminDisableUser', 'AdminUserGlobalSignOut']);
  });

  it('finishes a sign-out that failed after the account was disabled', async () => {
    const cognito = fakeCognito({ AdminGetUser: existing('east', false) });
    await new CognitoIdentities(cognito.client, options).putAccount({
      address: 'ann@east.test',
      tenantId: 'east',
      enabled: false,
    });
    expect(cognito.names()).toEqual(['AdminGetUser', 'AdminUserGlobalSignOut']);
  });

  it('skips the global sign-out where the provider has none (the local emulator)', async () => {
    const cognito = fakeCognito({ AdminGetUser: existing('east') });
    await new CognitoIdentities(cognito.client, {
      ...options,
      signOutOnDisable: false,
    }).putAccount({ address: 'ann@east.test', tenantId: 'east', enabled: false });
    expect(cognito.names()).toEqual(['AdminGetUser', 'AdminDisableUser']);
  });

  it('lets a throttled or failed call fail the operation and goes no further', async () => {
    const cognito = fakeCognito({
      AdminGetUser: existing('west'),
      AdminUpdateUserAttributes: sdkError('TooManyRequestsException'),
    });
    await expect(
      new CognitoIdentities(cognito.client, options).putAccount({
        address: 'ann@east.test',
        tenantId: 'east',
        groups: [],
        enabled: false,
      }),
    ).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(cognito.names()).toEqual(['AdminGetUser', 'AdminUpdateUserAttributes']);
  });

  it('deletes an account, and finds nothing to do when it is gone already', async () => {
    const gone = fakeCognito({ AdminDeleteUser: sdkError('UserNotFoundException') });
    await expect(
      new CognitoIdentities(gone.client, options).deleteAccount('ann@east.test'),
    ).resolves.toBeUndefined();
    const failing = fakeCognito({ AdminDeleteUser: sdkError('InternalErrorException') });
    await expect(
      new CognitoIdentities(failing.client, options).deleteAccount('ann@east.test'),
    ).rejects.toMatchObject({ name: 'InternalErrorException' });
  });

  it('lists accounts a page at a time with their role groups', async () => {
    const cognito = fakeCognito({
      ListUsersInGroup: (input) =>
        input.GroupName === 'tenant-admin' ? { Users: [{ Username: 'uuid-1' }] } : { Users: [] },
      ListUsers: {
        Users: [{ ...existing('east'), Attributes: existing('east').UserAttributes }],
        PaginationToken: 'p2',
      },
    });
    const page = await new CognitoIdentities(cognito.client, options).listAccounts();
    expect(page).toEqual({
      items: [
        { address: 'ann@east.test', tenantId: 'east', groups: ['tenant-admin'], enabled: true },
      ],
      next: 'p2',
    });
  });
});
