import type { ChildProcess } from 'node:child_process';

/** How long a stand-in (DynamoDB Local, the Cognito emulator) gets to exit before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/**
 * Stops a stand-in's child process and resolves once it has exited, so its port and data files
 * are free when stop() returns (a restart on the same data dir must not race the old process).
 */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill();
  });
}
