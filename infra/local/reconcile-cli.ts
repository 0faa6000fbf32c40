/**
 * `npm run reconcile [-- --repair]`: compares every mailbox's used bytes and message count with
 * the messages it really holds, on the running local sesame, and reports the drift; with
 * `--repair` it sets the recorded totals to the real ones (each only if no delivery changed
 * them meanwhile; such a mailbox is reported and a second run settles it). Then the objects:
 * purges a crash left pending, and orphans (objects of stored messages nobody refers to, older
 * than the longest a notification can wait in the queues); `--repair` deletes both. It also
 * reports every disagreement between the directory and the user pool's sign-in accounts (never
 * repaired here: doing the tenancy operation again brings the account in line).
 */
import { parseArgs } from 'node:util';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { reconcileUsage } from '@shared/quota/reconcile';
import { FOLDERS } from '@shared/mailbox/model';
import { reconcileObjects } from '@shared/quota/reconcile-objects';
import { findAccountDrift } from '@shared/sign-in/account-drift';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';
import { DynamoMailboxAccounts } from '@shared/store/dynamo-mailbox-accounts';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { localCognitoClient } from './cognito-emulator';
import { runLocalTableCommand } from './local-table-cli';

/** Exit code when drift, a pending purge, an orphan or an account disagreement is left. */
const DRIFT_LEFT = 3;

runLocalTableCommand({
  name: 'reconcile',
  usage: 'usage: npm run reconcile [-- --repair]',
  parse: (args) =>
    parseArgs({ args, options: { repair: { type: 'boolean' } } }).values.repair ?? false,
  async run({ documents, tableName, s3, runtime }, repair) {
    const store = new DynamoQuotaStore(documents, tableName);
    const references = new Set<string>();
    const report = await reconcileUsage(store, {
      repair,
      references,
      systemFolders: FOLDERS,
      onProgress: (checked, drifted) =>
        console.error(`checked ${checked} mailboxes, ${drifted} drifted`),
    });
    for (const drift of report.drifted) {
      console.log(
        `${drift.address}: recorded ${drift.recorded.usedBytes} bytes / ${drift.recorded.messageCount} messages, ` +
          `stored ${drift.actual.usedBytes} bytes / ${drift.actual.messageCount} messages: ${drift.result}`,
      );
    }
    for (const drift of report.folderDrifts) {
      const recorded = drift.recorded
        ? `${drift.recorded.total} / ${drift.recorded.unread} unread`
        : '(no folder item)';
      console.log(
        `${drift.address} folder ${drift.folder}: recorded ${recorded}, ` +
          `stored ${drift.actual.total} / ${drift.actual.unread} unread: ${drift.result}`,
      );
    }
    for (const drift of report.recoverableDrifts) {
      console.log(
        `${drift.address} recoverable items: recorded ${drift.recorded.recoverableBytes} bytes / ` +
          `${drift.recorded.recoverableCount}, stored ${drift.actual.recoverableBytes} bytes / ` +
          `${drift.actual.recoverableCount}: ${drift.result}`,
      );
    }
    console.log(
      `${report.mailboxes} mailboxes checked, ${report.drifted.length} drifted, ` +
        `${report.recoverableDrifts.length} recoverable totals drifted, ` +
        `${report.folderDrifts.length} folder counters drifted${repair ? '' : ' (run with --repair to fix)'}`,
    );

    const objects = await reconcileObjects(
      {
        ledger: new DynamoStoredMessages(documents, tableName),
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

    const cognito = localCognitoClient(runtime.cognito.endpoint);
    try {
      const accounts = await findAccountDrift(
        new DynamoMailboxAccounts(documents, tableName),
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
      const settled =
        report.drifted.every((d) => d.result === 'repaired') &&
        report.folderDrifts.every((d) => d.result === 'repaired') &&
        report.recoverableDrifts.every((d) => d.result === 'repaired') &&
        objects.pendingPurges.every((p) => p.result === 'purged') &&
        objects.orphans.every((o) => o.result === 'deleted') &&
        accounts.drift.length === 0;
      return settled ? 0 : DRIFT_LEFT;
    } finally {
      cognito.destroy();
    }
  },
});
