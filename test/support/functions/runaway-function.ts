/**
 * A test-only Lambda handler that misbehaves on request, loaded by the local runtime in place
 * of a real function (LocalOptions.functions.modules / startFunctionWorkers' modules):
 *
 * - an SQS batch: marks `<data dir>/runaway-started`, then spins the CPU without yielding until
 *   `<data dir>/runaway-release` exists (the data dir is the parent of SESAME_OUTBOX_DIR);
 * - `GET /spin`: spins for ever; `GET /grow`: keeps allocating until the heap limit;
 *   `GET /throw`: throws; anything else answers 200 with the path.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const STARTED_MARKER = 'runaway-started';
export const RELEASE_MARKER = 'runaway-release';

interface AnyEvent {
  Records?: unknown[];
  rawPath?: string;
}

function spinUntilReleased(): void {
  const dataDir = dirname(process.env.SESAME_OUTBOX_DIR ?? '.');
  writeFileSync(join(dataDir, STARTED_MARKER), String(process.pid));
  // Synchronous on purpose: nothing else on this thread runs until the test releases it.
  while (!existsSync(join(dataDir, RELEASE_MARKER))) {
    /* busy */
  }
}

export async function handler(event: AnyEvent): Promise<unknown> {
  if (Array.isArray(event.Records)) {
    spinUntilReleased();
    return { batchItemFailures: [] };
  }
  switch (event.rawPath) {
    case '/spin':
      for (;;) {
        /* a runaway loop that never yields */
      }
    case '/grow': {
      const kept: number[][] = [];
      for (;;) kept.push(new Array<number>(1_000_000).fill(kept.length));
    }
    case '/throw':
      throw new Error('the runaway function threw');
    default:
      return { statusCode: 200, body: JSON.stringify({ path: event.rawPath ?? null }) };
  }
}
