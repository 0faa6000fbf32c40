/**
 * `npm start`: sesame on one machine, in the foreground, until Ctrl-C.
 *
 *   SESAME_SMTP_PORT  SMTP listener port (2525)
 *   SESAME_API_PORT   API port (3000)
 *   SESAME_COGNITO_PORT  the Cognito emulator's port (9229; its tokens' issuer names it)
 *   SESAME_DATA_DIR   where DynamoDB Local, the local S3, the queue and the Cognito emulator live (.data)
 *   SESAME_TIERS      a JSON tier table file (partial; the rest keeps the DESIGN defaults)
 *   SESAME_LOCAL_VERDICTS  the SPF/DKIM/DMARC verdicts the listener reports: pass (default),
 *                          gray, fail, or JSON per verdict (infra/local/local-verdicts)
 *   SESAME_SWEEP_INTERVAL_MS  how often the mailbox sweep runs (an hour; 0: never)
 */
import { isAbsolute, relative } from 'node:path';
import { DEMO_USERS } from './demo-tenant';
import { DEFAULT_API_PORT } from './http-gateway';
import { startLocal, type LocalRuntime } from './local-runtime';
import { localVerdictsFromEnv } from './local-verdicts';
import { dataDirFromEnv } from './runtime-file';
import { JavaMissingError } from './stand-ins';
import { DEFAULT_SMTP_PORT } from './smtp-listener';
import { tiersFromEnv } from './tiers-file';

/** cognito-local's own default; fixed so that tokens (their `iss` names it) survive a restart. */
const DEFAULT_COGNITO_PORT = 9229;

/** Exit code of a process ended by SIGINT, what a shell expects after a second Ctrl-C. */
const FORCED_EXIT_CODE = 130;

class StartupConfigError extends Error {}

function portFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StartupConfigError(`${name} must be a port number (0-65535), not "${text}"`);
  }
  return port;
}

function intervalFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new StartupConfigError(`${name} must be a whole number of milliseconds, not "${text}"`);
  }
  return ms;
}

/** `.data` rather than a long absolute path, when the data dir is under the working dir. */
function shown(dataDir: string): string {
  const path = relative(process.cwd(), dataDir);
  return path === '' ? '.' : path.startsWith('..') || isAbsolute(path) ? dataDir : path;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

let runtime: LocalRuntime | undefined;
let stopRequested = false;

async function stopAndExit(): Promise<never> {
  try {
    await runtime?.stop();
  } catch (error) {
    console.error(`sesame did not stop cleanly: ${oneLine(error)}`);
    process.exit(1);
  }
  process.exit(0);
}

function onSignal(): void {
  if (stopRequested) {
    // A second Ctrl-C: no more waiting; startLocal's exit hook still ends DynamoDB Local.
    process.exit(FORCED_EXIT_CODE);
  }
  stopRequested = true;
  // During start-up there is nothing to stop yet; main() stops once startLocal returns.
  if (runtime) void stopAndExit();
}

async function main(): Promise<void> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const dataDir = dataDirFromEnv();
  const smtpPort = portFromEnv('SESAME_SMTP_PORT', DEFAULT_SMTP_PORT);
  const apiPort = portFromEnv('SESAME_API_PORT', DEFAULT_API_PORT);
  const cognitoPort = portFromEnv('SESAME_COGNITO_PORT', DEFAULT_COGNITO_PORT);
  const tiers = tiersFromEnv();
  const verdicts = localVerdictsFromEnv();
  const sweepIntervalMs = intervalFromEnv('SESAME_SWEEP_INTERVAL_MS');
  runtime = await startLocal({
    dataDir,
    smtpPort,
    apiPort,
    cognitoPort,
    tiers,
    verdicts,
    ...(sweepIntervalMs !== undefined && { sweepIntervalMs }),
  });
  if (stopRequested) return void (await stopAndExit());
  console.log(
    `sesame is ready: SMTP on ${runtime.smtp.host}:${runtime.smtp.port}, ` +
      `API on ${runtime.api.url} (data in ${shown(runtime.dataDir)}); ` +
      `a token: npm run -s token -- ${DEMO_USERS[0].address}`,
  );
}

main().catch((error: unknown) => {
  // A start-up failure is the user's to fix (Java, a port, the data dir): one line, no stack.
  const line =
    error instanceof JavaMissingError ? error.message : `sesame could not start: ${oneLine(error)}`;
  console.error(line);
  process.exit(1);
});
