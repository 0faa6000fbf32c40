import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EICAR } from '@shared/scan/content-checks';
import { ClamavScanner } from '@shared/scan/clamav-scanner';
import { freePort } from '../../infra/local/stand-ins';

const CLAMD_READY_TIMEOUT_MS = 90_000;

/** Where Debian's clamav-daemon puts clamd; PATH is tried first. */
export function clamdBinary(): string | undefined {
  for (const candidate of ['clamd', '/usr/sbin/clamd']) {
    if (!spawnSync(candidate, ['--version'], { stdio: 'ignore' }).error) return candidate;
  }
  return undefined;
}

export interface RealClamd {
  port: number;
  /** The name clamd reports for the test signature it was given. */
  signature: string;
  close(): Promise<void>;
}

/**
 * Starts the machine's own clamd, if it has one, on a free port with a one-signature database
 * (EICAR by MD5, so no signature download is needed) and a 1 MiB stream limit. Undefined when
 * the machine has no clamd; a clamd that is there but does not come up is an error.
 */
export async function startRealClamd(): Promise<RealClamd | undefined> {
  const binary = clamdBinary();
  if (!binary) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sesame-clamd-'));
  const md5 = createHash('md5').update(EICAR).digest('hex');
  writeFileSync(join(dir, 'sesame.hdb'), `${md5}:${Buffer.byteLength(EICAR)}:Sesame.Test.EICAR\n`);
  const port = await freePort();
  writeFileSync(
    join(dir, 'clamd.conf'),
    [
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `DatabaseDirectory ${dir}`,
      'Foreground yes',
      `LogFile ${join(dir, 'clamd.log')}`,
      'StreamMaxLength 1M',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = new ClamavScanner({ host: '127.0.0.1', port, timeoutMs: 5_000 });
  const deadline = Date.now() + CLAMD_READY_TIMEOUT_MS;
  for (;;) {
    try {
      await probe.scan(Buffer.from('ready?'));
      return { port, signature: 'Sesame.Test.EICAR.UNOFFICIAL', close };
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await close();
        throw new Error(`clamd (${binary}) did not come up: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
