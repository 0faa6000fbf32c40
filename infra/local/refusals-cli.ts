/**
 * `npm run refusals [-- --since 24h|7d|2026-12-01[T08:00Z]] [--json]`: lists the recipients of
 * accepted mail that were neither indexed nor bounced (shared/inbound/refusals), oldest first,
 * from the running local sesame. Default: the last 7 days. In AWS the same items are read with
 * one Query per day (README, Inbound mail).
 */
import { parseArgs } from 'node:util';
import { REFUSAL_REASONS } from '@shared/inbound/refusals';
import { DynamoRefusalLedger } from '@shared/store/dynamo-refusal-ledger';
import { runLocalTableCommand } from './local-table-cli';

const DEFAULT_SINCE = '7d';
const RELATIVE = /^(\d{1,5})([hd])$/;
const UNIT_MS = { h: 3600_000, d: 24 * 3600_000 } as const;

/** `24h`, `7d` (back from now) or anything Date.parse reads as ISO 8601. */
function parseSince(text: string, now: Date): Date {
  const relative = RELATIVE.exec(text);
  if (relative) {
    return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as 'h' | 'd']);
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new Error(`--since "${text}" is not 24h, 7d or an ISO date`);
  return new Date(at);
}

runLocalTableCommand({
  name: 'refusals',
  usage: 'usage: npm run refusals [-- --since 24h|7d|<ISO date or time>] [--json]',
  parse(args) {
    const { values } = parseArgs({
      args,
      options: { since: { type: 'string' }, json: { type: 'boolean' } },
    });
    return { since: parseSince(values.since ?? DEFAULT_SINCE, new Date()), json: !!values.json };
  },
  async run({ documents, tableName }, { since, json }) {
    const ledger = new DynamoRefusalLedger(documents, tableName);
    let count = 0;
    for await (const refusal of ledger.list(since)) {
      count += 1;
      if (json) {
        console.log(JSON.stringify(refusal));
        continue;
      }
      const why = refusal.cause ? `${refusal.reason} (${refusal.cause})` : refusal.reason;
      console.log(
        `${refusal.receivedAt}  ${refusal.recipient}  ${why}: ${REFUSAL_REASONS[refusal.reason] ?? ''}; ` +
          `from <${refusal.sender}>, SES message ${refusal.sesMessageId}`,
      );
    }
    if (!json) console.log(`${count} refused since ${since.toISOString()}`);
    return 0;
  },
});
