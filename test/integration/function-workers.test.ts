import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionLimits } from '@shared/config/function-limits';
import { FUNCTION_IDS, type FunctionId } from '@shared/config/resource-names';
import { PROBLEM_CONTENT_TYPE } from '@shared/http/problem';
import type { Route } from '@shared/http/routes';
import {
  FunctionCrashedError,
  FunctionTimeoutError,
  startFunctionWorkers,
  type FunctionWorkers,
} from '../../infra/local/function-workers';
import { startHttpGateway, type HttpGateway } from '../../infra/local/http-gateway';
import { startIngestQueue } from '../../infra/local/ingest-queue';
import { buildSesNotification } from '../../infra/local/ses-envelope';

const RUNAWAY = fileURLToPath(new URL('../support/functions/runaway-function.ts', import.meta.url));
/** Short enough to wait for; the heap small enough to fill at once. */
const TEST_LIMITS: FunctionLimits = { timeoutSeconds: 1, memoryMb: 64 };
/** The admin function fills its heap: long enough a timeout that memory runs out first. */
const GROWER_LIMITS: FunctionLimits = { timeoutSeconds: 60, memoryMb: 64 };

const ROUTES: Route[] = [
  { method: 'GET', path: '/spin', function: 'mailbox', auth: 'public' },
  { method: 'GET', path: '/grow', function: 'admin', auth: 'public' },
  { method: 'GET', path: '/echo', function: 'mailbox', auth: 'public' },
  { method: 'GET', path: '/throw', function: 'mailbox', auth: 'public' },
];

let dataDir: string;
let workers: FunctionWorkers;
let gateway: HttpGateway;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sesame-workers-'));
  // Every function runs the runaway module, under the test limits.
  const everyFunction = <T>(value: T) =>
    Object.fromEntries(FUNCTION_IDS.map((id) => [id, value])) as Record<FunctionId, T>;
  workers = await startFunctionWorkers({
    env: { ...process.env, SESAME_OUTBOX_DIR: join(dataDir, 'outbox') },
    modules: everyFunction(RUNAWAY),
    limits: { ...everyFunction(TEST_LIMITS), admin: GROWER_LIMITS },
  });
  gateway = await startHttpGateway({
    port: 0,
    routes: ROUTES,
    handlers: { mailbox: workers.apiHandler('mailbox'), admin: workers.apiHandler('admin') },
    verifyToken: () => Promise.reject(new Error('no tokens here')),
  });
});

afterAll(async () => {
  await gateway?.close();
  await workers?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function get(path: string) {
  const response = await fetch(`${gateway.url}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('each function in its own execution environment', () => {
  it('cuts a runaway invocation off at its timeout and serves the next in a new environment', async () => {
    await expect(workers.invoke('account', { rawPath: '/spin' })).rejects.toBeInstanceOf(
      FunctionTimeoutError,
    );
    await expect(workers.invoke('account', { rawPath: '/spin' })).rejects.toThrow(
      /Task timed out after 1\.00 seconds/,
    );
    await expect(workers.invoke('account', { rawPath: '/echo' })).resolves.toMatchObject({
      statusCode: 200,
    });
  });

  it('kills an environment that outgrows its memory limit and keeps serving', async () => {
    const outcome = workers.invoke('admin', { rawPath: '/grow' });
    await expect(outcome).rejects.toBeInstanceOf(FunctionCrashedError);
    await expect(outcome).rejects.toThrow(/out of memory \(limit 64 MB\)/);
    await expect(workers.invoke('admin', { rawPath: '/echo' })).resolves.toMatchObject({
      statusCode: 200,
    });
  });

  it('answers 504 for a timed-out function and 502 for a dead one, as API Gateway does', async () => {
    const timedOut = await get('/spin');
    expect(timedOut.status).toBe(504);
    expect(timedOut.type).toBe(PROBLEM_CONTENT_TYPE);
    expect(timedOut.body.code).toBe('FunctionTimeout');

    const crashed = await get('/grow');
    expect(crashed.status).toBe(502);
    expect(crashed.type).toBe(PROBLEM_CONTENT_TYPE);
    expect(crashed.body.code).toBe('FunctionCrashed');

    const thrown = await get('/throw');
    expect(thrown.status).toBe(500);
    expect(thrown.body.code).toBe('InternalError');

    expect(await get('/echo')).toMatchObject({ status: 200, body: { path: '/echo' } });
  });

  it('fails the invocations of a function whose handler cannot load, as a crash', async () => {
    const missing = join(dataDir, 'no-such-handler.ts');
    const broken = await startFunctionWorkers({
      env: { ...process.env },
      modules: Object.fromEntries(FUNCTION_IDS.map((id) => [id, missing])),
    });
    try {
      const outcome = broken.invoke('account', { rawPath: '/echo' });
      await expect(outcome).rejects.toBeInstanceOf(FunctionCrashedError);
      await expect(outcome).rejects.toThrow(/account could not start/);
    } finally {
      await broken.stop();
    }
  });

  it('lets the queue retry and then park a batch whose invocation timed out', async () => {
    const queueDir = mkdtempSync(join(tmpdir(), 'sesame-workers-queue-'));
    const queue = await startIngestQueue({
      handler: workers.sqsHandler('ingest'),
      dataDir: queueDir,
      maxReceiveCount: 2,
      backoffMs: () => 1,
    });
    try {
      await queue.enqueue(
        buildSesNotification({
          messageId: 'runaway-1',
          source: 'carol@partner.example',
          recipients: ['alice@demo.test'],
          bucket: 'sesame-raw-mail',
          objectKey: 'inbound/runaway-1',
          receivedAt: new Date('2026-11-20T09:14:00Z'),
        }),
      );
      await queue.idle();
      const parked = readdirSync(join(queueDir, 'dead-letter'));
      expect(parked).toHaveLength(1);
      const entry = JSON.parse(readFileSync(join(queueDir, 'dead-letter', parked[0]!), 'utf8'));
      expect(entry).toMatchObject({ attempts: 2 });
      expect(entry.lastReason).toMatch(/^FunctionTimeoutError: Task timed out after 1\.00 seconds/);
    } finally {
      await queue.stop();
      rmSync(queueDir, { recursive: true, force: true });
    }
  });
});
