/**
 * `npm run -s token -- <address> [--role tenant-admin|platform-admin]...`: prints an ID token for
 * a mailbox of the running local sesame, from a real sign-in (USER_PASSWORD_AUTH) at its Cognito
 * emulator. Local only, it first sets the account's password to the dev password
 * (AdminSetUserPassword), so users created through the API can sign in too; `--role` adds the
 * account to that group first, as an operator would in the Cognito console (a tenant admin's
 * rights still need the stored role). The emulator's tokens last 24 hours.
 *
 *   TOKEN=$(npm run -s token -- alice@demo.test)
 *   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/mailboxes/me/messages
 */
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { normaliseAddress } from '@shared/address/address';
import type { Role } from '@shared/identity/caller';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { emulatorSession, localCognitoClient } from './cognito-emulator';
import { dataDirFromEnv, readRuntimeInfo } from './runtime-file';
import { localDynamoClient } from './stand-ins';

const USAGE = 'usage: npm run token -- <address> [--role tenant-admin|platform-admin]...';
const GROUP_ROLES: readonly Exclude<Role, 'user'>[] = ['tenant-admin', 'platform-admin'];
const NOT_RUNNING = 'start sesame first with npm start';

class CliError extends Error {}

function parse(argv: string[]): { address: string; groups: Exclude<Role, 'user'>[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { role: { type: 'string', multiple: true } },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}; ${USAGE}`);
  }
  const [address, ...extra] = parsed.positionals;
  if (!address || extra.length > 0) throw new CliError(USAGE);
  const groups = (parsed.values.role ?? []).map((role) => {
    const known = GROUP_ROLES.find((candidate) => candidate === role);
    if (!known) throw new CliError(`unknown role "${role}": use ${GROUP_ROLES.join(' or ')}`);
    return known;
  });
  return { address: normaliseAddress(address), groups: [...new Set(groups)] };
}

async function main(): Promise<void> {
  const { address, groups } = parse(process.argv.slice(2));
  const dataDir = dataDirFromEnv();
  const runtime = readRuntimeInfo(dataDir);
  if (!runtime) throw new CliError(`sesame is not running on ${dataDir}: ${NOT_RUNNING}`);

  const client = localDynamoClient(runtime.dynamoEndpoint);
  try {
    const store = new DynamoMailStore(
      DynamoDBDocumentClient.from(client),
      LOCAL_RESOURCE_NAMES.table,
    );
    const mailbox = await store.getMailbox(address).catch(() => {
      throw new CliError(
        `sesame's DynamoDB Local does not answer on ${runtime.dynamoEndpoint}: ${NOT_RUNNING}`,
      );
    });
    if (!mailbox) throw new CliError(`no mailbox ${address} in the local sesame`);
    if (mailbox.status !== 'active')
      throw new CliError(`${address} is a ${mailbox.status}, not an active mailbox`);
    const cognito = localCognitoClient(runtime.cognito.endpoint);
    try {
      for (const GroupName of groups) {
        await cognito.send(
          new AdminAddUserToGroupCommand({
            UserPoolId: runtime.cognito.userPoolId,
            Username: address,
            GroupName,
          }),
        );
      }
      const token = await emulatorSession(cognito, runtime.cognito).signIn(address);
      process.stdout.write(`${token}\n`);
    } finally {
      cognito.destroy();
    }
  } finally {
    client.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`token: ${message.split('\n')[0]}`);
  process.exit(1);
});
