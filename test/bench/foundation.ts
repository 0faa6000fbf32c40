/**
 * `npm run bench`: ingest throughput and listing cost on the local stand-ins (DynamoDB Local,
 * s3rver). Prints its figures; asserts nothing. Listing cost must not grow with the mailbox:
 * the page-latency figures for a small and a large mailbox should be close.
 */
import { ingestDepsOf } from '@test/support/ingest-deps';
import { performance } from 'node:perf_hooks';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { listMessages } from '@shared/mailbox/list-messages';
import { simpleMail, startLocalWorld } from '../support/local-world';

const MESSAGES = Number(process.env.SESAME_BENCH_MESSAGES ?? 400);
const CONCURRENCY = 8;
const PAGE_SAMPLES = 50;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function pageLatencies(world: Awaited<ReturnType<typeof startLocalWorld>>, address: string) {
  const mailbox = (await world.store.getMailbox(address))!;
  const samples: number[] = [];
  for (let i = 0; i < PAGE_SAMPLES; i++) {
    const start = performance.now();
    await listMessages(world.store, mailbox, { folder: 'inbox', limit: 25 });
    samples.push(performance.now() - start);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

const world = await startLocalWorld();
try {
  const deps = ingestDepsOf(world);
  await world.addTenant('bench', ['bench.test']);
  await world.addMailbox('big@bench.test', 'bench');
  await world.addMailbox('small@bench.test', 'bench');
  const body = 'Clinic letter text. '.repeat(250); // about 5 KB

  const notifications: Awaited<ReturnType<typeof world.receive>>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    notifications.push(
      await world.receive(simpleMail(`Bench ${i}`, body), { recipients: ['big@bench.test'] }),
    );
  }
  for (let i = 0; i < 30; i++) {
    await ingestMessage(
      await world.receive(simpleMail(`Small ${i}`, body), { recipients: ['small@bench.test'] }),
      deps,
    );
  }
  console.log(`ingesting ${MESSAGES} messages of ~5 KB, ${CONCURRENCY} at a time…`);
  const start = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < notifications.length) {
        const notification = notifications[next++]!;
        await ingestMessage(notification, deps);
        if (++done % 100 === 0) console.log(`  ${done}/${MESSAGES}`);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const bytes = (await world.store.getMailbox('big@bench.test'))!.usedBytes;
  console.log(
    `ingest: ${(MESSAGES / seconds).toFixed(1)} messages/s, ${(bytes / 1e6 / seconds).toFixed(2)} MB/s`,
  );

  const small = await pageLatencies(world, 'small@bench.test');
  const big = await pageLatencies(world, 'big@bench.test');
  console.log(
    `list page (25) in a 30-message mailbox: p50 ${small.p50.toFixed(1)} ms, p95 ${small.p95.toFixed(1)} ms`,
  );
  console.log(
    `list page (25) in a ${MESSAGES}-message mailbox: p50 ${big.p50.toFixed(1)} ms, p95 ${big.p95.toFixed(1)} ms`,
  );
  console.log(`peak RSS: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await world.stop();
}
