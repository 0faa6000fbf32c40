/**
 * `npm run bench:send`: starts a local sesame (the real send and ingest functions in their
 * workers, DynamoDB Local, s3rver) and has alice send through the HTTP API, printing p50/p95 of
 * the API call (to bob, hosted, to an outside address through the SES stand-in, and [secure] to
 * an outside address: its content stored, a notification sent) and of
 * internal delivery (request sent ▶ the message listed in bob's Inbox). Figures, not assertions.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import type { MessageSummary } from '@shared/mailbox/model';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';

/** Sends per kind; the first few warm the workers and are left out of the figures. */
const SENDS = 40;
const WARM_UP = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function report(name: string, samples: number[]): void {
  const sorted = samples.slice(WARM_UP).sort((a, b) => a - b);
  const p50 = percentile(sorted, 50).toFixed(1);
  const p95 = percentile(sorted, 95).toFixed(1);
  console.log(`${name.padEnd(44)} p50 ${p50.padStart(7)} ms   p95 ${p95.padStart(7)} ms`);
}

// No rate limit in the way of a benchmark.
const commodity = { ...DEFAULT_TIERS.commodity, messagesPerMinute: 100_000 };
const { sesame, dataDir } = await startTestSesame('bench-send', {
  tiers: { ...DEFAULT_TIERS, commodity },
});
try {
  const call = httpClient(sesame.api.url);
  const alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  const bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
  const hostedApi: number[] = [];
  const inbox: number[] = [];
  const externalApi: number[] = [];
  const secureApi: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const subject = `Bench ${i} ${Date.now()}`;
    const start = performance.now();
    const sent = await call('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      subject,
      text: `Message ${i}. `.repeat(200),
    });
    if (sent.status !== 202) throw new Error(`send answered ${sent.status}: ${sent.text}`);
    hostedApi.push(performance.now() - start);
    for (;;) {
      const page = await call<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', bob);
      if (page.body.items.some((m) => m.subject === subject)) break;
    }
    inbox.push(performance.now() - start);

    const outside = performance.now();
    const out = await call('POST', '/mailboxes/me/send', alice, {
      to: ['carol@partner.example'],
      subject,
      text: `Message ${i}. `.repeat(200),
    });
    if (out.status !== 202) throw new Error(`send answered ${out.status}: ${out.text}`);
    externalApi.push(performance.now() - outside);

    // [secure] (issue 10 item 10): the outsider gets a notification; the content is stored.
    const secure = performance.now();
    const sealed = await call('POST', '/mailboxes/me/send', alice, {
      to: ['carol@partner.example'],
      subject,
      text: `Message ${i}. `.repeat(200),
      secure: true,
    });
    if (sealed.status !== 202) throw new Error(`send answered ${sealed.status}: ${sealed.text}`);
    secureApi.push(performance.now() - secure);
  }
  console.log(`${SENDS - WARM_UP} sends each (after ${WARM_UP} warm-up), ~3 KB text messages`);
  report('POST /mailboxes/me/send, to bob (hosted)', hostedApi);
  report("internal delivery: request ▶ in bob's Inbox", inbox);
  report('POST /mailboxes/me/send, to an outside address', externalApi);
  report('POST /mailboxes/me/send, [secure] to an outside address', secureApi);
} finally {
  await stopTestSesame(sesame, dataDir);
}
