import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { emulatorToken } from '@test/support/emulator-token';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { RELEASE_MARKER, STARTED_MARKER } from '@test/support/functions/runaway-function';

const RUNAWAY = fileURLToPath(new URL('../support/functions/runaway-function.ts', import.meta.url));
/** Polling bounds for SMTP ▶ S3 ▶ queue ▶ ingest; not a timing assertion. */
const POLLS = 300;
const POLL_MS = 100;

let dataDir: string;
let sesame: LocalRuntime;

beforeAll(async () => {
  // The real API functions; in ingest's place a handler that spins until the test lets it go.
  ({ sesame, dataDir } = await startTestSesame('isolation', {
    functions: { modules: { ingest: RUNAWAY } },
  }));
});

afterAll(async () => {
  // Whatever happened above, the spinning ingest must end for the queue to stop.
  if (dataDir) writeFileSync(join(dataDir, RELEASE_MARKER), '');
  await stopTestSesame(sesame, dataDir);
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let poll = 0; poll < POLLS; poll++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${what} never happened`);
}

describe('one function cannot stall another', () => {
  it('answers API requests while an ingest invocation is stuck in a CPU loop', async () => {
    const transport = createTransport({
      host: sesame.smtp.host,
      port: sesame.smtp.port,
      ignoreTLS: true,
    });
    const sent = await transport.sendMail({
      from: 'mallory@partner.example',
      to: 'alice@demo.test',
      subject: 'A mail that takes ingest for ever',
      text: 'Spin.',
    });
    expect(sent.response).toMatch(/^250 /);
    await until(() => existsSync(join(dataDir, STARTED_MARKER)), 'the ingest invocation');

    // Ingest is spinning now, and stays so until released below.
    const token = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
    const response = await fetch(`${sesame.api.url}/mailboxes/me/messages`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);

    writeFileSync(join(dataDir, RELEASE_MARKER), '');
    await sesame.queue.idle();
  });
});
