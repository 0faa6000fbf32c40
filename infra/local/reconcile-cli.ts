/**
 * `npm run reconcile [-- --repair]`: compares every mailbox's used bytes and message count with
 * the messages it really holds, on the running local sesame, and reports the drift; with
 * `--repair` it sets the recorded totals to the real ones (each only if no delivery changed
 * them meanwhile; such a mailbox is reported and a second run settles it).
 */
import { parseArgs } from 'node:util';
import { reconcileUsage } from '@shared/quota/reconcile';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { runLocalTableCommand } from './local-table-cli';

/** Exit code when a mailbox drifted and was not repaired. */
const DRIFT_LEFT = 3;

runLocalTableCommand({
  name: 'reconcile',
  usage: 'usage: npm run reconcile [-- --repair]',
  parse: (args) =>
    parseArgs({ args, options: { repair: { type: 'boolean' } } }).values.repair ?? false,
  async run({ documents, tableName }, repair) {
    const store = new DynamoQuotaStore(documents, tableName);
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
    return report.drifted.some((d) => d.result !== 'repaired') ? DRIFT_LEFT : 0;
  },
});
