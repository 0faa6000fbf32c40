/**
 * `npm run bench:hostile`: each hostile case of issue 7 ingested through the real local
 * pipeline (SQS record ▶ S3 get ▶ structure scan ▶ parse ▶ scan ▶ parts to S3 ▶ DynamoDB Local),
 * with its time and peak memory. Each case runs in a child process of its own, so the peak RSS
 * the kernel reports (`maxRSS`) is that case's alone. The heap is sampled between event-loop
 * turns, so a synchronous peak inside one turn can be missed; RSS cannot. Figures, not
 * assertions: speed and memory live here, not in tests.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import { toSqsRecord } from '../../infra/local/ses-envelope';
import { longDisplayNamesMail, ltHtmlMail, zipBombMail } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { startLocalWorld } from '@test/support/local-world';

const CASES = {
  'long display names (605 KB)': () => longDisplayNamesMail('Bench names'),
  'nested zip bomb (2.5 KB -> 360 MB)': () => zipBombMail('Bench bomb'),
  'HTML-only, 400 KB of <': () => ltHtmlMail(400 * 1024, 'Bench less-than'),
} as const;
type CaseName = keyof typeof CASES;

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

interface Figures {
  name: string;
  bytes: number;
  ms: number;
  outcome: string;
  folder: string;
  rssMb: string;
  rssOverBaselineMb: string;
  heapOverBaselineMb: string;
}

/** One case, in this process: the figures go to stdout as one JSON line. */
async function runCase(name: CaseName): Promise<void> {
  const world = await startLocalWorld();
  try {
    await world.addTenant('bench', ['demo.test']);
    await world.addMailbox('alice@demo.test', 'bench');
    const handler = createIngestHandler(ingestDepsOf(world));
    const raw = CASES[name]();
    const notification = await world.receive(raw, { recipients: ['alice@demo.test'] });

    global.gc?.();
    const baseline = process.memoryUsage();
    const baselineMaxRss = process.resourceUsage().maxRSS * 1024;
    let peakHeap = baseline.heapUsed + baseline.arrayBuffers;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
    }, 5);
    const start = performance.now();
    const response = await handler({ Records: [toSqsRecord(notification)] });
    const ms = performance.now() - start;
    clearInterval(sampler);
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
    const maxRss = process.resourceUsage().maxRSS * 1024;

    const mailbox = await world.store.listFolder('alice@demo.test', 'quarantine', 10);
    const inbox = await world.store.listFolder('alice@demo.test', 'inbox', 10);
    const stored = [...mailbox.items, ...inbox.items][0];
    const figures: Figures = {
      name,
      bytes: raw.byteLength,
      ms,
      outcome: response.batchItemFailures.length > 0 ? 'FAILED (would be retried)' : 'indexed',
      folder: stored?.folder ?? 'none',
      rssMb: mb(maxRss),
      rssOverBaselineMb: mb(Math.max(0, maxRss - baselineMaxRss)),
      heapOverBaselineMb: mb(peakHeap - baseline.heapUsed - baseline.arrayBuffers),
    };
    console.log(JSON.stringify(figures));
  } finally {
    await world.stop();
  }
}

const only = process.argv[2] as CaseName | undefined;
if (only) {
  await runCase(only);
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(
    'case | size | time | outcome | folder | peak RSS (over baseline) | peak heap+buffers over baseline',
  );
  for (const name of Object.keys(CASES) as CaseName[]) {
    const output = execFileSync(process.execPath, [...process.execArgv, self, name], {
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    const line = output.trim().split('\n').at(-1) ?? '{}';
    const f = JSON.parse(line) as Figures;
    console.log(
      `${f.name} | ${(f.bytes / 1024).toFixed(0)} KB | ${f.ms.toFixed(0)} ms | ${f.outcome} | ${f.folder} | ${f.rssMb} MB (+${f.rssOverBaselineMb} MB) | +${f.heapOverBaselineMb} MB`,
    );
  }
}
