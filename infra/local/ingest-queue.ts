import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import { logger } from '@shared/log/logger';
import { INGEST_MAX_RECEIVE_COUNT } from '@shared/config/ingest-queue';
import { moveFileDurably, PRIVATE_DIR_MODE, writeFileDurably } from './durable-write';
import { toSqsRecord } from './ses-envelope';

/** Lambda's SQS event source hands a function at most 10 records at a time by default. */
export const SQS_MAX_BATCH_SIZE = 10;
/**
 * Stands in for the visibility timeout: how long a failed record waits before it is received
 * again. Short locally so a failing message reaches the dead-letter folder in seconds.
 */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** How often the queue folder is looked at for records put there from outside (`npm run redrive`). */
export const RESCAN_INTERVAL_MS = 1_000;

/** With ReportBatchItemFailures on, no response (or an empty list) means the whole batch succeeded. */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface IngestQueueOptions<T = SesReceiptNotification> {
  /** The ingest function's handler, called exactly as Lambda's SQS event source calls it. */
  handler: SqsBatchHandler;
  /** Pending records live in `<dataDir>/queue/`, parked ones in `<dataDir>/dead-letter/`. */
  dataDir: string;
  /** Receives before a record is parked; INGEST_MAX_RECEIVE_COUNT, as the DLQ redrive policy in AWS. */
  maxReceiveCount?: number;
  batchSize?: number;
  /** Wait before receive number `attempt + 1`; tests pass a short one. */
  backoffMs?: (attempt: number) => number;
  /**
   * Another queue than ingest's (the share scan's, issue 9): its folder names under `dataDir`,
   * how a payload becomes the SQS record its function receives, and what names it in logs.
   */
  queueDirName?: string;
  deadLetterDirName?: string;
  toRecord?: (payload: T, receiveCount: number) => SQSRecord;
  describe?: (payload: T) => Record<string, unknown>;
}

export interface IngestQueue<T = SesReceiptNotification> {
  /** Resolves once the notification is on disk: after that a crash or Ctrl-C cannot lose it. */
  enqueue(notification: T): Promise<string>;
  /** Resolves when every record has been delivered or parked. */
  idle(): Promise<void>;
  /** Finishes the batch in flight and stops; records not yet delivered stay on disk. */
  stop(): Promise<void>;
}

/** What `<dataDir>/queue/<id>.json` holds, and, with `parkedAt`, a dead-letter file. */
interface QueueEntry<T = SesReceiptNotification> {
  sqsMessageId: string;
  notification: T;
  /** Receives so far (SQS's ApproximateReceiveCount of the last delivery). */
  attempts: number;
  enqueuedAt: string;
  lastReason?: string;
}

interface Pending<T = SesReceiptNotification> extends QueueEntry<T> {
  availableAt: number;
}

const defaultBackoff = (attempt: number) =>
  Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_CAP_MS);

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Pending and parked records are the only copy of an accepted notification: each write is
 * durable (a crash or power cut leaves the old file or the new one, never a torn one).
 * Removals are not flushed: one that a crash undoes means one more delivery, which ingest's
 * idempotence absorbs.
 */
const writeRecord = (path: string, value: unknown) =>
  writeFileDurably(path, JSON.stringify(value, null, 2));

/**
 * The in-process SQS stand-in between the SMTP listener and the ingest handler: the same
 * batch event, the same partial-batch contract, redelivery with a growing delay, and a
 * dead-letter folder after `maxReceiveCount` receives. Records not yet delivered are kept on
 * disk and picked up again on the next start.
 */
export async function startIngestQueue<T = SesReceiptNotification>(
  options: IngestQueueOptions<T>,
): Promise<IngestQueue<T>> {
  const maxReceiveCount = options.maxReceiveCount ?? INGEST_MAX_RECEIVE_COUNT;
  const batchSize = Math.min(options.batchSize ?? SQS_MAX_BATCH_SIZE, SQS_MAX_BATCH_SIZE);
  const backoffMs = options.backoffMs ?? defaultBackoff;
  const queueDir = join(options.dataDir, options.queueDirName ?? 'queue');
  const deadLetterDir = join(options.dataDir, options.deadLetterDirName ?? 'dead-letter');
  const toRecord =
    options.toRecord ?? (toSqsRecord as unknown as (payload: T, count: number) => SQSRecord);
  const describe =
    options.describe ??
    ((payload: T) => ({
      sesMessageId: (payload as unknown as SesReceiptNotification).mail.messageId,
    }));
  await mkdir(queueDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await mkdir(deadLetterDir, { recursive: true, mode: PRIVATE_DIR_MODE });

  const pending = new Map<string, Pending<T>>();
  /** Ids with a file in the queue folder that this process owns (pending, or being removed). */
  const known = new Set<string>();
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let idleWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  const fileOf = (id: string) => join(queueDir, `${id}.json`);
  const persist = ({ availableAt: _at, ...entry }: Pending<T>) =>
    writeRecord(fileOf(entry.sqsMessageId), entry);

  // Records a previous run accepted but did not finish: they keep their receive count.
  for (const name of await readdir(queueDir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const entry = JSON.parse(await readFile(join(queueDir, name), 'utf8')) as QueueEntry<T>;
      pending.set(entry.sqsMessageId, { ...entry, availableAt: Date.now() });
      known.add(entry.sqsMessageId);
    } catch (error) {
      // Kept, not deleted: it may be the only copy of a notification.
      await moveFileDurably(join(queueDir, name), join(deadLetterDir, name));
      logger.error('unreadable queue file moved to the dead-letter folder', {
        file: name,
        reason: reasonOf(error),
      });
    }
  }

  function settleIdle(): void {
    if (pending.size > 0 || running) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  async function park(entry: Pending<T>): Promise<void> {
    const { availableAt: _at, ...rest } = entry;
    await writeRecord(join(deadLetterDir, `${entry.sqsMessageId}.json`), {
      ...rest,
      parkedAt: new Date().toISOString(),
    });
    await rm(fileOf(entry.sqsMessageId), { force: true });
    logger.error('ingest record parked in the dead-letter folder', {
      sqsId: entry.sqsMessageId,
      ...describe(entry.notification),
      attempts: entry.attempts,
      reason: entry.lastReason,
    });
  }

  /** Which records of a delivered batch failed, and why, by the Lambda SQS contract. */
  async function deliver(batch: Pending<T>[]): Promise<Map<string, string>> {
    const ids = new Set(batch.map((entry) => entry.sqsMessageId));
    const all = (reason: string) => new Map([...ids].map((id) => [id, reason]));
    // SQS keeps a message's id across receives; only the receipt handle is new each time.
    const records = batch.map((entry) => ({
      ...toRecord(entry.notification, entry.attempts),
      messageId: entry.sqsMessageId,
    }));
    let response: SQSBatchResponse | undefined;
    try {
      response = await options.handler({ Records: records });
    } catch (error) {
      return all(reasonOf(error));
    }
    const failures = response?.batchItemFailures ?? [];
    // Lambda treats a failure naming no record of the batch as the whole batch failing.
    if (failures.some(({ itemIdentifier }) => !ids.has(itemIdentifier))) {
      return all('the handler reported a batch item failure with an unknown itemIdentifier');
    }
    return new Map(
      failures.map(({ itemIdentifier }) => [
        itemIdentifier,
        'the handler reported the record in batchItemFailures (its log has the cause)',
      ]),
    );
  }

  async function runBatch(batch: Pending<T>[]): Promise<void> {
    for (const entry of batch) entry.attempts += 1;
    const failed = await deliver(batch);
    for (const entry of batch) {
      const reason = failed.get(entry.sqsMessageId);
      try {
        if (reason === undefined) {
          pending.delete(entry.sqsMessageId);
          await rm(fileOf(entry.sqsMessageId), { force: true });
          known.delete(entry.sqsMessageId);
        } else if (entry.attempts >= maxReceiveCount) {
          entry.lastReason = reason;
          pending.delete(entry.sqsMessageId);
          await park(entry);
          known.delete(entry.sqsMessageId);
        } else {
          entry.lastReason = reason;
          entry.availableAt = Date.now() + backoffMs(entry.attempts);
          await persist(entry);
        }
      } catch (error) {
        // The in-memory state is right; only the disk copy may be stale until the next write.
        logger.error('could not update the local queue on disk', {
          sqsId: entry.sqsMessageId,
          reason: reasonOf(error),
        });
      }
    }
  }

  /** One batch at a time: records a batch holds stay in `pending` until it settles. */
  function pump(): void {
    if (stopped || running) return;
    clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    const ready = [...pending.values()]
      .filter((entry) => entry.availableAt <= now)
      .slice(0, batchSize);
    if (ready.length === 0) {
      const next = Math.min(...[...pending.values()].map((entry) => entry.availableAt));
      if (Number.isFinite(next)) timer = setTimeout(pump, Math.max(0, next - now));
      settleIdle();
      return;
    }
    running = runBatch(ready).finally(() => {
      running = undefined;
      pump();
    });
  }

  /** Picks up records another process put in the queue folder (the redrive command). */
  async function rescan(): Promise<void> {
    if (stopped) return;
    for (const name of await readdir(queueDir)) {
      const id = name.slice(0, -'.json'.length);
      if (!name.endsWith('.json') || known.has(id)) continue;
      try {
        const entry = JSON.parse(await readFile(join(queueDir, name), 'utf8')) as QueueEntry<T>;
        if (known.has(entry.sqsMessageId) || entry.sqsMessageId !== id) continue;
        known.add(id);
        pending.set(id, { ...entry, availableAt: Date.now() });
      } catch {
        // Unreadable now; the next start moves it to the dead-letter folder.
      }
    }
    pump();
  }
  const rescanTimer = setInterval(() => {
    rescan().catch((error: unknown) =>
      logger.warn('could not rescan the local queue folder', { reason: reasonOf(error) }),
    );
  }, RESCAN_INTERVAL_MS);
  rescanTimer.unref();

  pump();

  return {
    async enqueue(notification) {
      if (stopped) throw new Error('the local ingest queue is stopped');
      const entry: Pending<T> = {
        sqsMessageId: randomUUID(),
        notification,
        attempts: 0,
        enqueuedAt: new Date().toISOString(),
        availableAt: Date.now(),
      };
      known.add(entry.sqsMessageId);
      await persist(entry);
      pending.set(entry.sqsMessageId, entry);
      pump();
      return entry.sqsMessageId;
    },
    idle() {
      return new Promise((resolve, reject) => {
        idleWaiters.push({ resolve, reject });
        settleIdle();
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(rescanTimer);
      await running;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter.reject(new Error('the local ingest queue was stopped'));
    },
  };
}
