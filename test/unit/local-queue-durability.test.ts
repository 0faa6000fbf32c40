import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIngestQueue } from '../../infra/local/ingest-queue';
import { redriveParked } from '../../infra/local/redrive';
import { buildSesNotification } from '../../infra/local/ses-envelope';

/**
 * What the local queue asks of the file system, in order: the real calls are made, and each
 * open, flush (fsync) and rename is written down, so that the order that makes a record
 * survive a power cut can be checked.
 */
const calls = vi.hoisted(() => [] as string[]);

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  const open: typeof actual.open = async (path, ...rest) => {
    const handle = await actual.open(path, ...rest);
    return new Proxy(handle, {
      get(target, property) {
        if (property === 'sync') {
          return async () => {
            await target.sync();
            calls.push(`sync ${String(path)}`);
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  const rename: typeof actual.rename = async (from, to) => {
    await actual.rename(from, to);
    calls.push(`rename ${String(from)} -> ${String(to)}`);
  };
  return { ...actual, open, rename };
});

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sesame-durability-'));
  calls.length = 0;
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
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

/** The temp file was flushed before it was renamed onto `target`, and the directory after. */
function expectDurablyWritten(target: string, dir: string): void {
  const renamed = calls.findIndex((call) => call.endsWith(`-> ${target}`));
  expect(renamed, `no rename onto ${target} in ${calls.join('; ')}`).toBeGreaterThanOrEqual(0);
  const temporary = calls[renamed]!.slice('rename '.length, -` -> ${target}`.length);
  const flushed = calls.indexOf(`sync ${temporary}`);
  expect(flushed, `${temporary} was not flushed`).toBeGreaterThanOrEqual(0);
  expect(flushed).toBeLessThan(renamed);
  expect(calls.indexOf(`sync ${dir}`, renamed)).toBeGreaterThan(renamed);
}

describe('the local queue on disk', () => {
  it('flushes a pending record and its directory before counting it accepted', async () => {
    const queue = await startIngestQueue({
      handler: async () => ({ batchItemFailures: [] }),
      dataDir,
    });
    const id = await queue.enqueue(notification('durable-1'));
    await queue.idle();
    await queue.stop();
    const queueDir = join(dataDir, 'queue');
    expectDurablyWritten(join(queueDir, `${id}.json`), queueDir);
  });

  it('flushes a parked record and its directory', async () => {
    const queue = await startIngestQueue({
      handler: () => Promise.reject(new Error('always failing')),
      dataDir,
      maxReceiveCount: 1,
    });
    const id = await queue.enqueue(notification('durable-2'));
    await queue.idle();
    await queue.stop();
    const deadLetterDir = join(dataDir, 'dead-letter');
    expectDurablyWritten(join(deadLetterDir, `${id}.json`), deadLetterDir);
  });
});

describe('npm run redrive', () => {
  it('skips and reports a parked file it cannot read, and moves the others', async () => {
    const queue = await startIngestQueue({
      handler: () => Promise.reject(new Error('always failing')),
      dataDir,
      maxReceiveCount: 1,
    });
    const good = await queue.enqueue(notification('parked-good'));
    await queue.idle();
    await queue.stop();
    const deadLetterDir = join(dataDir, 'dead-letter');
    mkdirSync(deadLetterDir, { recursive: true });
    // Sorted before and after the good one, so that neither order hides the fault.
    writeFileSync(join(deadLetterDir, '0-torn.json'), '{"sqsMessageId": "0-to');
    writeFileSync(join(deadLetterDir, 'z-stranger.json'), JSON.stringify({ hello: 'world' }));
    calls.length = 0;

    const report = await redriveParked(dataDir);

    expect(report.moved).toEqual([good]);
    expect(report.skipped.map((skip) => skip.file).sort()).toEqual([
      join(deadLetterDir, '0-torn.json'),
      join(deadLetterDir, 'z-stranger.json'),
    ]);
    expect(report.skipped.every((skip) => skip.reason.length > 0)).toBe(true);
    expect(readdirSync(deadLetterDir).sort()).toEqual(['0-torn.json', 'z-stranger.json']);
    const queueDir = join(dataDir, 'queue');
    const requeued = JSON.parse(readFileSync(join(queueDir, `${good}.json`), 'utf8'));
    expect(requeued).toMatchObject({ sqsMessageId: good, attempts: 0 });
    expectDurablyWritten(join(queueDir, `${good}.json`), queueDir);
  });
});
