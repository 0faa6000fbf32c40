/**
 * `npm run reconcile [-- --repair]`: compares every mailbox's used bytes and message count with
 * the messages it really holds, on the running local sesame, and reports the drift; with
 * `--repair` it sets the recorded totals to the real ones (each only if no delivery changed
 * them meanwhile; such a mailbox is reported and a second run settles it).
 */
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { reconcileUsage } from '@shared/quota/reconcile';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
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
  try {
    const store = new DynamoQuotaStore(
      DynamoDBDocumentClient.from(client),
      LOCAL_RESOURCE_NAMES.table,
    );
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
    return report.drifted.some((d) => d.result !== 'repaired') ? 3 : 0;
  } finally {
    client.destroy();
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
