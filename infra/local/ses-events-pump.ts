import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SES_EVENTS_DIR } from '@shared/outbound/local-ses-stand-in';
import { logger } from '@shared/log/logger';
import { localSqsRecord } from './sqs-record';
import type { SqsBatchHandler } from './ingest-queue';

/** How often the pump looks for new events; SES publishes within seconds, this is sooner. */
const POLL_MS = 100;
/** Receives before an event is parked, as the events queue's redrive policy in AWS. */
export const SES_EVENTS_MAX_RECEIVE_COUNT = 5;

export interface SesEventsPump {
  /** Resolves once every event written so far has been handled or parked. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local SNS ▶ SQS ▶ send-events path: the SES stand-in writes each event (an SNS
 * notification) under `<outbox>/ses-events/`; the pump hands each, in order, to the send-events
 * function as an SQS record, deletes it once handled, retries a failure and parks it under
 * `<dataDir>/dead-letter/ses-events/` after SES_EVENTS_MAX_RECEIVE_COUNT receives.
 */
export function startSesEventsPump(options: {
  outboxDir: string;
  dataDir: string;
  handler: SqsBatchHandler;
}): SesEventsPump {
  const dir = join(options.outboxDir, SES_EVENTS_DIR);
  const parked = join(options.dataDir, 'dead-letter', SES_EVENTS_DIR);
  const receives = new Map<string, number>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function pending(): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.json')).sort();
  }

  async function pumpOnce(): Promise<void> {
    for (const name of await pending()) {
      if (stopped) return;
      const path = join(dir, name);
      const count = (receives.get(name) ?? 0) + 1;
      receives.set(name, count);
      const record = localSqsRecord(await readFile(path, 'utf8'), 'sesame-ses-events', count);
      const failed = await options
        .handler({ Records: [record] })
        .then((result) => (result?.batchItemFailures.length ?? 0) > 0)
        .catch(() => true);
      if (!failed) {
        await rm(path, { force: true });
        receives.delete(name);
      } else if (count >= SES_EVENTS_MAX_RECEIVE_COUNT) {
        await mkdir(parked, { recursive: true });
        await rename(path, join(parked, name));
        receives.delete(name);
        logger.error('SES event parked after its last receive', { file: name });
      }
    }
  }

  const timer = setInterval(() => {
    running = running.then(pumpOnce).catch(() => undefined);
  }, POLL_MS);

  return {
    async idle() {
      for (;;) {
        await running;
        const left = (await pending()).filter(
          (name) => (receives.get(name) ?? 0) < SES_EVENTS_MAX_RECEIVE_COUNT,
        );
        if (left.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
