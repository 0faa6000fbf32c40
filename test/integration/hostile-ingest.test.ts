import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import type { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { STRING_BYTE_LIMITS } from '@shared/inbound/item-bounds';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { ZIP_LIMITS } from '@shared/scan/zip-entries';
import type { VirusScanner } from '@shared/scan/virus-scanner';
import { startIngestQueue } from '../../infra/local/ingest-queue';
import { apiEvent } from '@test/support/api-event';
import { longDisplayNamesMail, ltHtmlMail, zipBombMail } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { useDemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { simpleMail, type LocalWorld } from '@test/support/local-world';

/**
 * Hostile mail that used to fail every delivery and be parked: each is now stored and readable,
 * and whatever still fails is indexed unprocessed and quarantined on its last delivery.
 */
const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const context = { awsRequestId: 'test' } as Context;

let world: LocalWorld;
let deps: IngestDeps;
let api: ReturnType<typeof createMailboxHandler>;
useDemoMailboxWorld((started) => ({ world, deps, api } = started));

async function call(
  routeKey: string,
  pathParameters: Record<string, string> = {},
  folder = 'inbox',
) {
  const result = await api(
    apiEvent({ routeKey, caller: alice, pathParameters, query: { folder, limit: '100' } }),
    context,
  );
  return { ...result, json: JSON.parse(result.body ?? 'null') };
}

async function deliver(raw: Buffer) {
  const notification = await world.receive(raw, { recipients: ['alice@demo.test'] });
  const outcomes = await ingestMessage(notification, deps);
  return { outcomes, id: deriveMessageId(notification.mail.messageId, 'alice@demo.test') };
}

const utf8Bytes = (text: string) => Buffer.byteLength(text);

describe('hostile mail is stored and readable', () => {
  it('a 605 KB mail of long display names: the item is bounded in bytes, the read is whole', async () => {
    const raw = longDisplayNamesMail('Names');
    expect(raw.byteLength).toBeGreaterThan(600_000);

    const { outcomes, id } = await deliver(raw);
    const list = await call('GET /mailboxes/me/messages');
    const message = await call('GET /mailboxes/me/messages/{id}', { id });

    expect(outcomes).toMatchObject([{ outcome: 'indexed' }]);
    const listed = list.json.items.find((item: { id: string }) => item.id === id);
    expect(utf8Bytes(listed.from.name)).toBeLessThanOrEqual(STRING_BYTE_LIMITS.displayName);
    expect(listed.toTotal).toBe(101);
    expect(message.statusCode).toBe(200);
    expect(message.json.from.name).toHaveLength(200_000);
    expect(message.json.to).toHaveLength(101);
    expect(message.json.cc).toHaveLength(100);
  });

  it('a nested zip bomb stops at one budget for all levels and is quarantined unscannable', async () => {
    const { outcomes, id } = await deliver(zipBombMail('Bomb'));
    const message = await call('GET /mailboxes/me/messages/{id}', { id });

    expect(outcomes).toMatchObject([{ outcome: 'indexed', folder: 'quarantine' }]);
    expect(message.json.scan.findings).toContainEqual(
      expect.objectContaining({
        check: 'unscannable-archive',
        detail: expect.stringContaining(`past ${ZIP_LIMITS.maxTotalBytes} bytes`),
      }),
    );
  });

  it('an HTML-only mail of 400 KB of `<` gets a snippet without a quadratic scan', async () => {
    const { outcomes, id } = await deliver(ltHtmlMail(400 * 1024, 'Less than'));
    const message = await call('GET /mailboxes/me/messages/{id}', { id });

    expect(outcomes).toMatchObject([{ outcome: 'indexed' }]);
    expect(message.json.snippet).toBe('<'.repeat(200));
    // Sanitised at ingest, every `<` is escaped (`&lt;`): 1.6 MB, so the body is a link.
    expect(message.json.html).toBeUndefined();
    expect(message.json.htmlUrl).toEqual(expect.stringContaining('.html'));
  });
});

describe('the last resort', () => {
  const MAX_RECEIVES = 3;

  it('indexes a message that failed every other delivery as unparsed and quarantined, raw kept and withheld', async () => {
    // An error nobody imagined: not the scanner being down (that is a finding), a bug.
    const broken: VirusScanner = {
      name: 'broken',
      scan: () => Promise.reject(new TypeError('injected: cannot read properties of undefined')),
    };
    const handler = createIngestHandler(ingestDepsOf(world, { scanner: broken }), MAX_RECEIVES);
    const dataDir = mkdtempSync(join(tmpdir(), 'sesame-last-resort-'));
    const queue = await startIngestQueue({
      handler,
      dataDir,
      maxReceiveCount: MAX_RECEIVES,
      backoffMs: () => 10,
    });
    const notification = await world.receive(simpleMail('Unprocessable'), {
      recipients: ['alice@demo.test'],
    });
    const id = deriveMessageId(notification.mail.messageId, 'alice@demo.test');

    try {
      await queue.enqueue(notification);
      await queue.idle();
    } finally {
      await queue.stop();
    }
    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const raw = await call('GET /mailboxes/me/messages/{id}/raw', { id });
    const { bucketName, objectKey } = notification.receipt.action;
    const kept = await world.blobs.get(bucketName, objectKey);
    const parked = readdirSync(join(dataDir, 'dead-letter'));
    rmSync(dataDir, { recursive: true, force: true });

    expect(parked).toEqual([]);
    expect(message.json).toMatchObject({
      folder: 'quarantine',
      unparsed: { reason: expect.stringContaining(`failed on ${MAX_RECEIVES - 1} deliveries`) },
    });
    expect(message.json.scan.findings).toContainEqual(
      expect.objectContaining({ check: 'unprocessed', quarantine: true }),
    );
    // Kept, and withheld from the user as every quarantined message's parts are.
    expect(kept.byteLength).toBeGreaterThan(0);
    expect(raw).toMatchObject({ statusCode: 409, json: { code: 'AttachmentQuarantined' } });
  });
});
