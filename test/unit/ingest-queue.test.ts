import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSesRecord } from '@shared/inbound/ses-notification';
import { INGEST_MAX_RECEIVE_COUNT } from '@shared/config/ingest-queue';
import { startIngestQueue, type IngestQueue } from '../../infra/local/ingest-queue';
import { buildSesNotification } from '../../infra/local/ses-envelope';

const dirs: string[] = [];
const queues: IngestQueue[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-queue-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function notification(sesMessageId: string) {
  return buildSesNotification({
    messageId: sesMessageId,
    source: 'carol@partner.example',
    recipients: ['alice@demo.test'],
    bucket: 'sesame-raw-mail',
    objectKey: `inbound/${sesMessageId}`,
    receivedAt: new Date('2026-11-20T09:14:00Z'),
  });
}

/** What the handler saw on each call: SES message id and receive count of every record. */
type Delivery = { ses: string; receiveCount: string; sqsId: string }[];

function describeBatch(event: SQSEvent): Delivery {
  return event.Records.map((record) => {
    const parsed = parseSesRecord(record);
    return {
      ses: parsed.kind === 'mail' ? parsed.notification.mail.messageId : 'setup',
      receiveCount: record.attributes.ApproximateReceiveCount,
      sqsId: record.messageId,
    };
  });
}

async function queueWith(
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
  dataDir = tempDir(),
  maxReceiveCount?: number,
) {
  const queue = await startIngestQueue({
    handler,
    dataDir,
    backoffMs: () => 1,
    ...(maxReceiveCount !== undefined && { maxReceiveCount }),
  });
  queues.push(queue);
  return queue;
}

describe('the local ingest queue', () => {
  it('redelivers a record until the handler succeeds, counting receives like SQS', async () => {
    const calls: Delivery[] = [];
    const queue = await queueWith(async (event) => {
      calls.push(describeBatch(event));
      if (calls.length <= 2) throw new Error('DynamoDB is having a moment');
      return { batchItemFailures: [] };
    });

    await queue.enqueue(notification('flaky-1'));
    await queue.idle();

    expect(calls.map((batch) => batch.map((r) => r.receiveCount))).toEqual([['1'], ['2'], ['3']]);
    // SQS keeps the message id across receives.
    expect(new Set(calls.map((batch) => batch[0]?.sqsId)).size).toBe(1);
  });

  it('parks a record that always fails after maxReceiveCount receives, with the reason', async () => {
    const dataDir = tempDir();
    let calls = 0;
    const queue = await queueWith(async () => {
      calls += 1;
      throw new Error('raw object is missing');
    }, dataDir);

    const sqsId = await queue.enqueue(notification('doomed-1'));
    await queue.idle();

    expect(calls).toBe(INGEST_MAX_RECEIVE_COUNT);
    const parked = JSON.parse(readFileSync(join(dataDir, 'dead-letter', `${sqsId}.json`), 'utf8'));
    expect(parked).toMatchObject({
      sqsMessageId: sqsId,
      attempts: INGEST_MAX_RECEIVE_COUNT,
      lastReason: expect.stringContaining('raw object is missing'),
      notification: { mail: { messageId: 'doomed-1' } },
    });
    expect(readdirSync(join(dataDir, 'queue'))).toEqual([]);
  });

  it('redelivers only the records a partial batch response names', async () => {
    const calls: Delivery[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const queue = await queueWith(async (event) => {
      const batch = describeBatch(event);
      calls.push(batch);
      // Hold the first batch so the next three arrive together in one batch.
      if (calls.length === 1) await firstHeld;
      const failing = batch.find((r) => r.ses === 'middle' && r.receiveCount === '1');
      return { batchItemFailures: failing ? [{ itemIdentifier: failing.sqsId }] : [] };
    });

    await queue.enqueue(notification('opener'));
    for (const id of ['first', 'middle', 'last']) await queue.enqueue(notification(id));
    releaseFirst();
    await queue.idle();

    expect(calls.map((batch) => batch.map((r) => `${r.ses}#${r.receiveCount}`))).toEqual([
      ['opener#1'],
      ['first#1', 'middle#1', 'last#1'],
      ['middle#2'],
    ]);
  });

  it('treats a failure naming a record outside the batch as the whole batch failing', async () => {
    const calls: Delivery[] = [];
    const queue = await queueWith(async (event) => {
      calls.push(describeBatch(event));
      return { batchItemFailures: calls.length === 1 ? [{ itemIdentifier: 'not-in-batch' }] : [] };
    });

    await queue.enqueue(notification('odd-1'));
    await queue.idle();

    expect(calls.map((batch) => batch.map((r) => r.receiveCount))).toEqual([['1'], ['2']]);
  });

  it('delivers, after a restart, a record a previous run accepted but had not delivered', async () => {
    const dataDir = tempDir();
    let firstReceive!: () => void;
    const received = new Promise<void>((resolve) => (firstReceive = resolve));
    const before = await startIngestQueue({
      dataDir,
      // A long visibility timeout: without the restart the retry would not come for an hour.
      backoffMs: () => 60 * 60 * 1000,
      handler: async () => {
        firstReceive();
        throw new Error('stopped mid-delivery');
      },
    });
    await before.enqueue(notification('survivor-1'));
    await received;
    await before.stop();

    const calls: Delivery[] = [];
    const after = await queueWith(async (event) => {
      calls.push(describeBatch(event));
      return { batchItemFailures: [] };
    }, dataDir);
    await after.idle();

    expect(calls).toEqual([[expect.objectContaining({ ses: 'survivor-1', receiveCount: '2' })]]);
    expect(readdirSync(join(dataDir, 'queue'))).toEqual([]);
  });
});
