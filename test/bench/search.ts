/**
 * `npm run bench:search`: search's first-page time in a 1,000- and a 10,000-message mailbox, and
 * the index's write units per message, on DynamoDB Local. Prints its figures; asserts nothing.
 *
 * The corpus is written through the code ingest uses (store.indexMessage with the message's
 * term set, then the index's compaction), with no SMTP or parsing. Messages say they were
 * received `MAILS_PER_DAY` a day, but the index runs on the real clock (keys, the compaction's
 * grace): as fast as the bench writes, which is the index's hardest case, not a simulated calm. Every message is 75 KB of text, so each reaches the per-message term limit:
 * the worst case for the index. Write units are DynamoDB Local's own ConsumedCapacity figures
 * (1 KB a unit per item, a replaced item counted at the larger of its sizes).
 */
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { compactIndex } from '@shared/search/compaction';
import { INDEX_SHAPE } from '@shared/search/search-limits';
import { searchMessages, type SearchQuery } from '@shared/search/search-messages';
import { DynamoSearchIndex } from '@shared/store/dynamo-search-index';
import type { Mailbox } from '@shared/tenancy/model';
import { startLocalWorld } from '../support/local-world';
import { indexCorpusMail } from '../support/search-corpus';
import { seededRandom, ZipfWords } from './search-corpus-text';

const SMALL = Number(process.env.SESAME_BENCH_SEARCH_SMALL ?? 1_000);
const LARGE = Number(process.env.SESAME_BENCH_SEARCH_LARGE ?? 10_000);
const MESSAGE_BYTES = 75 * 1024;
const MAILS_PER_DAY = 50;
const CONCURRENCY = 8;
const SAMPLES = Number(process.env.SESAME_BENCH_SEARCH_SAMPLES ?? 30);
const VOCABULARY = 30_000;
const ZIPF_EXPONENT = 1.05;
const SENDERS = 40;
/** DynamoDB on-demand in eu-west-1 (sesame's default region), US$ per million write request units and per GB-month. */
const WRU_PRICE_PER_MILLION = 0.7069;
const DAYS_PER_MONTH = 30;

interface Meter {
  indexWrites: number;
  messageWrites: number;
  reads: number;
}

const meter: Meter = { indexWrites: 0, messageWrites: 0, reads: 0 };

/** A key attribute as the middleware sees it: plain, or already marshalled. */
type KeyValue = string | { S?: string } | undefined;
type Input = Record<string, unknown> & {
  Item?: { SK?: KeyValue };
  Key?: { SK?: KeyValue };
  ReturnConsumedCapacity?: string;
};
const sortKeyOf = (value: KeyValue): string =>
  typeof value === 'string' ? value : (value?.S ?? '');
type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

const WRITES = [
  'PutItemCommand',
  'DeleteItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
];

/** Asks every call for its consumed capacity and adds it up: index writes, message writes, reads. */
function meterCapacity(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Input;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Capacity }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      const name = context.commandName ?? '';
      const sortKey = sortKeyOf(input.Item?.SK ?? input.Key?.SK);
      if (name === 'TransactWriteItemsCommand') meter.messageWrites += units;
      else if (WRITES.includes(name)) {
        if (name === 'BatchWriteItemCommand' || sortKey.startsWith('SRCH#'))
          meter.indexWrites += units;
        else meter.messageWrites += units;
      } else meter.reads += units;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const random = seededRandom(20261202);
const words = new ZipfWords(VOCABULARY, ZIPF_EXPONENT, random);
const senders = Array.from({ length: SENDERS }, (_, i) => `sender${i}@partner.example`);

/** Fills a mailbox with `count` messages of 75 KB, `MAILS_PER_DAY` a day; index write units. */
async function fill(
  world: Awaited<ReturnType<typeof startLocalWorld>>,
  index: DynamoSearchIndex,
  mailbox: Mailbox,
  count: number,
): Promise<{ indexWrites: number; messageWrites: number; seconds: number }> {
  const before = { ...meter };
  const started = performance.now();
  const start = Date.parse('2025-01-01T00:00:00Z');
  const spacing = (24 * 3600_000) / MAILS_PER_DAY;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const receivedAt = new Date(start + i * spacing);
        const text = `ref${i} ${words.text(MESSAGE_BYTES - 1024, random)}`;
        await indexCorpusMail(
          world.store,
          index,
          mailbox,
          {
            subject: `${words.draw(random)} ${words.draw(random)} ${words.draw(random)} ${i}`,
            from: { name: `Sender ${i % SENDERS}`, address: senders[i % SENDERS] as string },
            to: [{ address: mailbox.address }],
            text,
            receivedAt: new Date(receivedAt.getTime() - Math.floor(random() * 60_000)),
            size: MESSAGE_BYTES,
          },
          new Date(),
        );
        if ((i + 1) % 1000 === 0) console.log(`  ${mailbox.address}: ${i + 1}/${count}`);
      }
    }),
  );
  // What the next delivery would do once the last term sets are past their grace: finish what a
  // compaction still running skipped.
  await sleep(INDEX_SHAPE.flushGraceMs);
  await compactIndex(index, mailbox.address, new Date());
  return {
    indexWrites: meter.indexWrites - before.indexWrites,
    messageWrites: meter.messageWrites - before.messageWrites,
    seconds: (performance.now() - started) / 1000,
  };
}

const world = await startLocalWorld();
try {
  meterCapacity(world.documents);
  const index = new DynamoSearchIndex(world.documents, world.names.table);
  await world.addTenant('bench', ['bench.test']);
  const small = await world.addMailbox('small@bench.test', 'bench', 1e12);
  const large = await world.addMailbox('large@bench.test', 'bench', 1e12);

  console.log(`filling mailboxes of ${SMALL} and ${LARGE} messages of 75 KB of text…`);
  const filled = new Map<Mailbox, Awaited<ReturnType<typeof fill>>>();
  for (const [mailbox, count] of [
    [small, SMALL],
    [large, LARGE],
  ] as const) {
    filled.set(mailbox, await fill(world, index, mailbox, count));
  }

  const kinds: { name: string; query: (count: number) => Omit<SearchQuery, 'limit'> }[] = [
    { name: 'one rare word', query: (count) => ({ q: `ref${Math.floor(random() * count)}` }) },
    { name: 'one common word', query: () => ({ q: words.rank(0) }) },
    { name: 'two words', query: () => ({ q: `${words.rank(3)} ${words.rank(400)}` }) },
    { name: 'from + word', query: () => ({ q: words.rank(10), from: senders[7] as string }) },
    { name: 'word + unread', query: () => ({ q: words.rank(1), unread: true }) },
  ];
  const run = async (mailbox: Mailbox, query: Omit<SearchQuery, 'limit'>) => {
    const readsBefore = meter.reads;
    const started = performance.now();
    const page = await searchMessages(index, mailbox, { ...query, limit: 25 });
    return {
      ms: performance.now() - started,
      reads: meter.reads - readsBefore,
      hits: page.items.length,
    };
  };
  // Warm both up, then alternate them, so that the machine's load falls on both alike.
  for (let i = 0; i < 10; i++) {
    await run(small, { q: words.rank(i) });
    await run(large, { q: words.rank(i) });
  }
  const times = { small: [] as number[], large: [] as number[] };
  console.log(`\nfirst page (25) of search, p50 over ${SAMPLES} samples of each query:`);
  console.log('query             | 1k p50 ms | 10k p50 ms | 1k read units | 10k read units');
  for (const kind of kinds) {
    const rows = { small: [] as number[], large: [] as number[], rs: 0, rl: 0 };
    for (let i = 0; i < SAMPLES; i++) {
      const a = await run(small, kind.query(SMALL));
      const b = await run(large, kind.query(LARGE));
      rows.small.push(a.ms);
      rows.large.push(b.ms);
      rows.rs += a.reads;
      rows.rl += b.reads;
    }
    times.small.push(...rows.small);
    times.large.push(...rows.large);
    console.log(
      `${kind.name.padEnd(17)} | ${percentile(rows.small, 50).toFixed(1).padStart(9)} | ${percentile(rows.large, 50).toFixed(1).padStart(10)} | ${(rows.rs / SAMPLES).toFixed(1).padStart(13)} | ${(rows.rl / SAMPLES).toFixed(1).padStart(14)}`,
    );
  }
  const p50Small = percentile(times.small, 50);
  const p50Large = percentile(times.large, 50);
  console.log(
    `all queries: p50 ${p50Small.toFixed(1)} ms at ${SMALL}, ${p50Large.toFixed(1)} ms at ${LARGE}: ratio ${(p50Large / p50Small).toFixed(2)} (goal ≤ 1.2)`,
  );

  console.log('\nindex write units per 75 KB message (goal ≤ 20):');
  for (const [mailbox, result] of filled) {
    const count = mailbox === small ? SMALL : LARGE;
    const perMessage = result.indexWrites / count;
    const monthly = (perMessage * MAILS_PER_DAY * DAYS_PER_MONTH * WRU_PRICE_PER_MILLION) / 1e6;
    console.log(
      `  ${String(count).padStart(6)} messages: ${perMessage.toFixed(2)} index WRU/message ` +
        `(the message's own transaction: ${(result.messageWrites / count).toFixed(2)}); ` +
        `at ${MAILS_PER_DAY} mails a day US$ ${monthly.toFixed(4)} a month; filled in ${result.seconds.toFixed(0)} s`,
    );
  }
  const state = await index.readState(large.address);
  const levels = state.runs.map((r) => `L${r.level}:${r.count}`).join(' ');
  console.log(
    `\nthe ${LARGE}-message index: runs ${levels}; recent set after ${state.pendingFrom}`,
  );
  console.log(`peak RSS: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await world.stop();
}
