/**
 * The sesame process of `npm run bench:share`: the whole local runtime (HTTP gateway, function
 * workers, s3rver, DynamoDB Local as a child) in a process of its own, so that its peak RSS is
 * measured apart from the client that uploads. Prints one JSON line when ready, then answers
 * `rss` with its memory figures and `stop` by stopping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startLocal } from '../../infra/local/local-runtime';
import { readRuntimeInfo } from '../../infra/local/runtime-file';
import { emulatorToken } from '../support/emulator-token';

const dataDir = mkdtempSync(join(tmpdir(), 'sesame-bench-share-'));
const sesame = await startLocal({ dataDir, smtpPort: 0, apiPort: 0, persistDynamo: false });
const token = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
say({
  apiUrl: sesame.api.url,
  s3Endpoint: readRuntimeInfo(dataDir)?.s3Endpoint,
  token,
});

const stop = async () => {
  await sesame.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
// The bench's pipe closing (it ended or failed) stops this process and its stand-ins too.
const lines = createInterface({ input: process.stdin });
lines.on('close', () => void stop());
for await (const line of lines) {
  if (line === 'rss') {
    await sesame.shareScanQueue.idle();
    say({
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      rssBytes: process.memoryUsage().rss,
    });
  } else if (line === 'stop') {
    await stop();
  }
}
