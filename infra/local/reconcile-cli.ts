/**
 * `npm run reconcile [-- --repair]`: compares every mailbox's used bytes and message count with
 * the messages it really holds, on the running local sesame, and reports the drift; with
 * `--repair` it sets the recorded totals to the real ones (each only if no delivery changed
 * them meanwhile; such a mailbox is reported and a second run settles it). It also reports every
 * disagreement between the directory and the user pool's sign-in accounts (never repaired here:
 * doing the tenancy operation again brings the account in line).
 */
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { reconcileUsage } from '@shared/quota/reconcile';
import { findAccountDrift } from '@shared/sign-in/account-drift';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';
import { DynamoMailboxAccounts } from '@shared/store/dynamo-mailbox-accounts';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { localCognitoClient } from './cognito-emulator';
import { dataDirFromEnv, readRuntimeInfo } from './runtime-file';
import { localDynamoClient } from './stand-ins';

const USAGE = 'usage: npm run reconcile [-- --repair]';

async function main(): Promise<number> {
  let repair: boolean;
  try {
    repair =
      parseArgs({ args: process.argv.slice(2), options: { repair: { type: 'boolean' } } }).values
        .repair ?? false;
  } catch (error) {
    console.error(`reconcile: ${(error as Error).message}; ${USAGE}`);
    return 2;
  }
  const dataDir = dataDirFromEnv();
  const runtime = readRuntimeInfo(dataDir);
  if (!runtime) {
    console.error(`reconcile: sesame is not running on ${dataDir}: start it first with npm start`);
    return 1;
  }
  const client = localDynamoClient(runtime.dynamoEndpoint);
  const cognito = localCognitoClient(runtime.cognito.endpoint);
  try {
    const documents = DynamoDBDocumentClient.from(client);
    const store = new DynamoQuotaStore(documents, LOCAL_RESOURCE_NAMES.table);
    const report = await reconcileUsage(store, {
      repair,
      onProgress: (checked, drifted) =>
        console.error(`checked ${checked} mailboxes, ${drifted} drifted`),
    });
    for (const drift of report.drifted) {
      console.log(
        `${drift.address}: recorded ${drift.recorded.usedBytes} bytes / ${drift.recorded.messageCount} messages, ` +
          `stored ${drift.actual.usedBytes} bytes / ${drift.actual.messageCount} messages: ${drift.result}`,
      );
    }
    console.log(
      `${report.mailboxes} mailboxes checked, ${report.drifted.length} drifted${repair ? '' : ' (run with --repair to fix)'}`,
    );
    const accounts = await findAccountDrift(
      new DynamoMailboxAccounts(documents, LOCAL_RESOURCE_NAMES.table),
      new CognitoIdentities(cognito, { userPoolId: runtime.cognito.userPoolId }),
    );
    for (const drift of accounts.drift) {
      console.log(
        `${drift.address}: sign-in account ${drift.problem}: directory ${drift.directory ?? '(no mailbox)'}, ` +
          `user pool ${drift.identityProvider ?? '(no account)'}`,
      );
    }
    console.log(
      `${accounts.mailboxes} mailboxes and ${accounts.accounts} sign-in accounts compared, ` +
        `${accounts.drift.length} disagreements`,
    );
    const quotaLeft = report.drifted.some((d) => d.result !== 'repaired');
    return quotaLeft || accounts.drift.length > 0 ? 3 : 0;
  } finally {
    client.destroy();
    cognito.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `reconcile: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
    process.exit(1);
  },
);
