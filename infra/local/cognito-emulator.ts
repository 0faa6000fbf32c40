import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import {
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ENV } from '@shared/config/resource-names';
import { TENANT_ATTRIBUTE } from '@shared/sign-in/cognito-identities';
import { ROLE_GROUPS } from '@shared/sign-in/identities';
import { stopChild } from './stop-child';

/** Names of what provisioning creates in the emulator; found again by name on every start. */
export const LOCAL_USER_POOL = 'sesame-local';
export const LOCAL_APP_CLIENT = 'sesame-local-api';
/**
 * The password `npm run token` sets on an account before signing in with it (local only: the
 * emulator listens on loopback and holds nothing but this machine's demo users). In AWS a new
 * user gets Cognito's invitation and chooses their own.
 */
export const LOCAL_DEV_PASSWORD = 'Sesame-local-dev-1!';
const READY_TIMEOUT_MS = 30_000;
/** Credentials are not checked by the emulator; the SDK wants some. */
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const REGION = 'eu-west-1';

export interface CognitoEmulator {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** `iss` of its tokens: the endpoint and the pool id, as Cognito's `<provider url>/<pool>`. */
  issuer: string;
  /** What the local API Gateway's JWT authorizer runs: signature (JWKS), iss, aud, exp, ID only. */
  verify(token: string): Promise<JWTPayload>;
  /** A real sign-in (USER_PASSWORD_AUTH) with the dev password, set first; the ID token. */
  signIn(address: string): Promise<string>;
  /** The env the handlers need to reach it, as Lambda's env would in AWS. */
  env: Record<string, string>;
  stop(): Promise<void>;
  kill(): void;
}

export function localCognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
}

async function waitUntilReady(client: CognitoIdentityProviderClient, child: ChildProcess) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited (${child.exitCode})`);
    try {
      await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The pool, app client and role groups, created on first start and found by name after. */
async function provision(client: CognitoIdentityProviderClient) {
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((pool) => pool.Name === LOCAL_USER_POOL)?.Id;
  if (!userPoolId) {
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: LOCAL_USER_POOL,
        UsernameAttributes: ['email'],
        Schema: [
          {
            Name: TENANT_ATTRIBUTE.replace(/^custom:/, ''),
            AttributeDataType: 'String',
            Mutable: true,
          },
        ],
      }),
    );
    userPoolId = created.UserPool?.Id;
  }
  if (!userPoolId) throw new Error('cognito-local created no user pool');
  const clients = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let clientId = clients.UserPoolClients?.find(
    (candidate) => candidate.ClientName === LOCAL_APP_CLIENT,
  )?.ClientId;
  if (!clientId) {
    const created = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: LOCAL_APP_CLIENT,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    clientId = created.UserPoolClient?.ClientId;
  }
  if (!clientId) throw new Error('cognito-local created no app client');
  for (const GroupName of ROLE_GROUPS) {
    await client
      .send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }))
      .catch((error: Error) => {
        if (error.name !== 'GroupExistsException') throw error;
      });
  }
  return { userPoolId, clientId };
}

export interface EmulatorAddress {
  endpoint: string;
  userPoolId: string;
  clientId: string;
}

/** Verify and sign in against a running emulator (also from another process: npm run token). */
export function emulatorSession(client: CognitoIdentityProviderClient, at: EmulatorAddress) {
  const { endpoint, userPoolId, clientId } = at;
  const issuer = `${endpoint}/${userPoolId}`;
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return {
    endpoint,
    userPoolId,
    clientId,
    issuer,
    async verify(token: string): Promise<JWTPayload> {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: clientId,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'sub'],
      });
      // Access tokens carry no `aud` and fail above already; this says why in one place.
      if (payload.token_use !== 'id') throw new Error('not an ID token');
      return payload;
    },
    async signIn(address: string): Promise<string> {
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: address,
          Password: LOCAL_DEV_PASSWORD,
          Permanent: true,
        }),
      );
      const answer = await client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: address, PASSWORD: LOCAL_DEV_PASSWORD },
        }),
      );
      const token = answer.AuthenticationResult?.IdToken;
      if (!token) throw new Error(`${address}: the emulator answered with no ID token`);
      return token;
    },
  };
}

/**
 * The Cognito-API emulator `cognito-local`, as a child process like DynamoDB Local: on loopback
 * only, its data under `<dataDir>/cognito/.cognito` (it keeps its files relative to its working
 * directory). The same Cognito adapter the tenant-admin function uses in AWS talks to it.
 */
export async function startCognitoEmulator(options: {
  dataDir: string;
  port: number;
}): Promise<CognitoEmulator> {
  const cwd = resolve(options.dataDir, 'cognito');
  mkdirSync(cwd, { recursive: true, mode: 0o700 });
  const script = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  const child = spawn(process.execPath, [script], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(options.port) },
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localCognitoClient(endpoint);
  const stop = async () => {
    client.destroy();
    await stopChild(child);
  };
  try {
    await waitUntilReady(client, child);
    const { userPoolId, clientId } = await provision(client);
    return {
      ...emulatorSession(client, { endpoint, userPoolId, clientId }),
      env: {
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint,
        [ENV.userPoolId]: userPoolId,
        [ENV.globalSignOut]: 'false',
      },
      stop,
      kill: () => {
        child.kill();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
