import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal, type LocalOptions, type LocalRuntime } from '../../infra/local/local-runtime';

/**
 * The whole local sesame for an end-to-end test file: a fresh data dir, SMTP and API on ports
 * the system picks as they bind (no window for another process to take them), DynamoDB Local
 * in memory unless asked otherwise.
 */
export async function startTestSesame(
  name: string,
  options: Partial<Omit<LocalOptions, 'dataDir'>> = {},
): Promise<{ sesame: LocalRuntime; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `sesame-e2e-${name}-`));
  const sesame = await startLocal({
    dataDir,
    smtpPort: 0,
    apiPort: 0,
    persistDynamo: false,
    ...options,
  });
  return { sesame, dataDir };
}

/** Stops what startTestSesame started and removes its data dir. */
export async function stopTestSesame(sesame?: LocalRuntime, dataDir?: string): Promise<void> {
  await sesame?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
