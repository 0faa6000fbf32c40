/**
 * `npm run reconcile [-- --repair]`: compares every mailbox's used bytes and message count with
 * the messages it really holds, on the running local sesame, and reports the drift; with
 * `--repair` it sets the recorded totals to the real ones (each only if no delivery changed
 * them meanwhile; such a mailbox is reported and a second run settles it). Then the objects:
 * purges a crash left pending, and orphans (objects of stored messages nobody refers to, older
 * than the longest a notification can wait in the queues); `--repair` deletes both.
 */
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { reconcileUsage } from '@shared/quota/reconcile';
import { reconcileObjects } from '@shared/quota/reconcile-objects';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { dataDirFromEnv, readRuntimeInfo } from './runtime-file';
import { localDynamoClient, localS3Client } from './stand-ins';

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
  const s3 = localS3Client(runtime.s3Endpoint);
  try {
    const documents = DynamoDBDocumentClient.from(client);
    const store = new DynamoQuotaStore(documents, LOCAL_RESOURCE_NAMES.table);
    const references = new Set<string>();
    const report = await reconcileUsage(store, {
      repair,
      references,
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
    const objects = await reconcileObjects(
      {
        ledger: new DynamoStoredMessages(documents, LOCAL_RESOURCE_NAMES.table),
        blobs: new S3BlobStore(s3),
        rawMailBucket: LOCAL_RESOURCE_NAMES.rawMailBucket,
        attachmentsBucket: LOCAL_RESOURCE_NAMES.attachmentsBucket,
      },
      references,
      { repair, now: new Date() },
    );
    for (const purge of objects.pendingPurges) {
      console.log(`purge of ${purge.sesMessageId} left pending: ${purge.result}`);
    }
    for (const orphan of objects.orphans) {
      console.log(`orphaned object s3://${orphan.bucket}/${orphan.key}: ${orphan.result}`);
    }
    console.log(
      `${objects.pendingPurges.length} pending purges, ${objects.orphans.length} orphaned objects${repair ? '' : ' (run with --repair to delete them)'}`,
    );
    const settled =
      report.drifted.every((d) => d.result === 'repaired') &&
      objects.pendingPurges.every((p) => p.result === 'purged') &&
      objects.orphans.every((o) => o.result === 'deleted');
    return settled ? 0 : 3;
  } finally {
    client.destroy();
    s3.destroy();
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
