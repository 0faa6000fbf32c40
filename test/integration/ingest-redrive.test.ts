import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import type { BlobStore } from '@shared/blob/blob-store';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { startIngestQueue, type IngestQueue } from '../../infra/local/ingest-queue';
import { redriveParked } from '../../infra/local/redrive';
import { mailWithAttachments } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

const MAX_RECEIVES = 3;

let world: LocalWorld;
let dataDir: string;
let queue: IngestQueue | undefined;

/** The S3 port, failing on demand: `failures` puts from now on throw, as a crash mid-message. */
function flakyBlobs(inner: BlobStore) {
  const state = { failures: 0 };
  const blobs: BlobStore = {
    get: (bucket, key) => inner.get(bucket, key),
    delete: (bucket, keys) => inner.delete(bucket, keys),
    async put(bucket, key, body, type) {
      if (state.failures > 0) {
        state.failures -= 1;
        throw new Error('injected crash: S3 put failed');
      }
      await inner.put(bucket, key, body, type);
    },
  };
  return { blobs, state };
}

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant('demo', ['demo.test']);
  await world.addMailbox('alice@demo.test', 'demo');
  await world.addMailbox('bob@demo.test', 'demo');
});

afterAll(async () => {
  await queue?.stop();
  await world?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function freshQueue(
  handler: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
) {
  await queue?.stop();
  dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'sesame-redrive-'));
  queue = await startIngestQueue({
    handler,
    dataDir,
    maxReceiveCount: MAX_RECEIVES,
    backoffMs: () => 10,
  });
  return queue;
}

describe('crashes, retries, parking and redrive on the local stand-ins', () => {
  it('retries a crash mid-message (after some parts were written) and indexes once, quota once', async () => {
    const { blobs, state } = flakyBlobs(world.blobs);
    const deps = ingestDepsOf(world, { blobs });
    const handler = createIngestHandler(deps);
    const q = await freshQueue(handler);
    const raw = mailWithAttachments('Crashy', [
      { filename: 'a.pdf', content: 'one' },
      { filename: 'b.pdf', content: 'two' },
    ]);
    const notification = await world.receive(raw, {
      recipients: ['alice@demo.test', 'bob@demo.test'],
    });
    const before = await world.store.getMailbox('bob@demo.test');
    // The first delivery stores attachment 1 then dies on attachment 2.
    state.failures = 1;

    await q.enqueue(notification);
    await q.idle();

    const after = await world.store.getMailbox('bob@demo.test');
    expect(after!.messageCount - before!.messageCount).toBe(1);
    expect(after!.usedBytes - before!.usedBytes).toBe(raw.byteLength);
    const id = deriveMessageId(notification.mail.messageId, 'alice@demo.test');
    expect((await world.store.getMessage('alice@demo.test', id))?.attachments).toHaveLength(2);
    expect(readdirSync(join(dataDir, 'dead-letter'))).toEqual([]);
  });

  it('a crash after indexing (a timeout) is redelivered and changes nothing the second time', async () => {
    const deps = ingestDepsOf(world);
    const real = createIngestHandler(deps);
    let deliveries = 0;
    const timesOutOnce = async (event: SQSEvent) => {
      const response = await real(event);
      deliveries += 1;
      if (deliveries === 1) throw new Error('injected: Task timed out after 60.00 seconds');
      return response;
    };
    const q = await freshQueue(timesOutOnce);
    const notification = await world.receive(simpleMail('Timeout'), {
      recipients: ['bob@demo.test'],
    });
    const before = await world.store.getMailbox('bob@demo.test');

    await q.enqueue(notification);
    await q.idle();

    expect(deliveries).toBe(2);
    const after = await world.store.getMailbox('bob@demo.test');
    expect(after!.messageCount - before!.messageCount).toBe(1);
  });

  it('parks a notification that keeps failing with its reason, and `redrive` brings it back once', async () => {
    const { blobs, state } = flakyBlobs(world.blobs);
    const handler = createIngestHandler(ingestDepsOf(world, { blobs }));
    const q = await freshQueue(handler);
    const raw = mailWithAttachments('Parked', [{ filename: 'a.pdf', content: 'x' }]);
    const notification = await world.receive(raw, { recipients: ['alice@demo.test'] });
    state.failures = Number.POSITIVE_INFINITY;

    await q.enqueue(notification);
    await q.idle();

    const parked = readdirSync(join(dataDir, 'dead-letter'));
    expect(parked).toHaveLength(1);
    const entry = JSON.parse(readFileSync(join(dataDir, 'dead-letter', parked[0]!), 'utf8'));
    expect(entry).toMatchObject({ attempts: MAX_RECEIVES, lastReason: expect.any(String) });
    const id = deriveMessageId(notification.mail.messageId, 'alice@demo.test');
    expect(await world.store.getMessage('alice@demo.test', id)).toBeUndefined();

    // The fault is fixed; the operator redrives while the queue is running.
    state.failures = 0;
    const before = await world.store.getMailbox('alice@demo.test');
    const { moved, skipped } = await redriveParked(dataDir);
    await waitFor(async () => (await world.store.getMessage('alice@demo.test', id)) !== undefined);
    await q.idle();

    expect(moved).toHaveLength(1);
    expect(skipped).toEqual([]);
    expect(readdirSync(join(dataDir, 'dead-letter'))).toEqual([]);
    const after = await world.store.getMailbox('alice@demo.test');
    expect(after!.messageCount - before!.messageCount).toBe(1);
    expect(await redriveParked(dataDir)).toEqual({ moved: [], skipped: [] });
  });
});

/** Polls, without asserting on time: the queue rescans its folder about once a second. */
async function waitFor(condition: () => Promise<boolean>, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition never became true');
}
