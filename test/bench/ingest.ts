/**
 * `npm run bench:ingest`: on a generated corpus (5 KB to 10 MB, most with attachments) it
 * measures, in one run, bare postal-mime parse throughput and the full local ingest pipeline
 * (SQS record ▶ S3 get ▶ structure scan ▶ parse ▶ scan ▶ attachments to S3 ▶ DynamoDB), and the
 * peak memory against the largest message. Figures, not assertions: speed lives here, not in tests.
 */
import { randomBytes } from 'node:crypto';
import PostalMime from 'postal-mime';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import { toSqsRecord } from '../../infra/local/ses-envelope';
import { mailWithAttachments } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { startLocalWorld } from '@test/support/local-world';

const KB = 1024;
const MB = 1024 * KB;
/** Sizes of the corpus, most small as real mail is, a few large. */
const SIZES = [
  ...Array<number>(40).fill(5 * KB),
  ...Array<number>(20).fill(50 * KB),
  ...Array<number>(10).fill(500 * KB),
  ...Array<number>(5).fill(2 * MB),
  ...Array<number>(3).fill(10 * MB),
];

function message(i: number, size: number): Buffer {
  const text = `Message ${i}. `.repeat(Math.max(1, Math.floor(Math.min(size, 4 * KB) / 14)));
  if (size <= 5 * KB) return mailWithAttachments(`Bench ${i}`, [], text);
  // Base64 grows 4/3: attachment bytes are sized so the whole message is about `size`.
  const attachmentBytes = Math.floor((size - 2 * KB) * 0.74);
  const parts = size >= 2 * MB ? 2 : 1;
  return mailWithAttachments(
    `Bench ${i}`,
    Array.from({ length: parts }, (_, n) => ({
      filename: `scan-${i}-${n}.pdf`,
      contentType: 'application/pdf',
      content: randomBytes(Math.floor(attachmentBytes / parts)),
    })),
    text,
  );
}

const corpus = SIZES.map((size, i) => message(i, size));
const totalBytes = corpus.reduce((sum, raw) => sum + raw.byteLength, 0);
const largest = Math.max(...corpus.map((raw) => raw.byteLength));
const mb = (bytes: number) => (bytes / MB).toFixed(1);

function rate(seconds: number) {
  return { perSecond: corpus.length / seconds, mbPerSecond: totalBytes / MB / seconds };
}

// 1. Bare postal-mime.
let start = performance.now();
for (const raw of corpus) await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
const bare = rate((performance.now() - start) / 1000);

// 2. The full local pipeline on DynamoDB Local and s3rver.
const world = await startLocalWorld();
try {
  await world.addTenant('bench', ['bench.test']);
  await world.addMailbox('reader@bench.test', 'bench', 50 * 1024 * MB);
  const handler = createIngestHandler(ingestDepsOf(world));
  const notifications = [];
  for (const raw of corpus)
    notifications.push(await world.receive(raw, { recipients: ['reader@bench.test'] }));

  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed + baseline.arrayBuffers;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
  }, 5);
  start = performance.now();
  for (const notification of notifications) {
    const response = await handler({ Records: [toSqsRecord(notification)] });
    if (response.batchItemFailures.length > 0) throw new Error('a bench message failed to ingest');
  }
  const full = rate((performance.now() - start) / 1000);
  clearInterval(sampler);

  console.log(`corpus: ${corpus.length} messages, ${mb(totalBytes)} MB, 5 KB to ${mb(largest)} MB`);
  console.log(
    `bare postal-mime parse: ${bare.perSecond.toFixed(1)} msg/s, ${bare.mbPerSecond.toFixed(1)} MB/s`,
  );
  console.log(
    `full local pipeline:    ${full.perSecond.toFixed(1)} msg/s, ${full.mbPerSecond.toFixed(1)} MB/s`,
  );
  console.log(
    `pipeline / parse:       ${(full.mbPerSecond / bare.mbPerSecond).toFixed(2)} (MB/s ratio)`,
  );
  console.log(
    `peak memory over baseline: rss +${mb(peakRss - baseline.rss)} MB, heap+buffers +${mb(
      peakHeap - baseline.heapUsed - baseline.arrayBuffers,
    )} MB; largest message ${mb(largest)} MB (x${((peakHeap - baseline.heapUsed - baseline.arrayBuffers) / largest).toFixed(1)})`,
  );
} finally {
  await world.stop();
}
