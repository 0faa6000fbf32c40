import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Moves parked notifications (`<dataDir>/dead-letter/*.json`) back into the local queue folder
 * with a fresh receive count, as `aws sqs start-message-move-task` does for the DLQ in AWS. A
 * running `npm start` picks them up within a second (the queue rescans its folder); otherwise
 * the next start does. Ingest is idempotent, so a redriven notification indexes at most once.
 */
export async function redriveParked(dataDir: string): Promise<string[]> {
  const deadLetterDir = join(dataDir, 'dead-letter');
  const queueDir = join(dataDir, 'queue');
  await mkdir(queueDir, { recursive: true });
  const names = (await readdir(deadLetterDir).catch(() => [] as string[])).filter((name) =>
    name.endsWith('.json'),
  );
  const moved: string[] = [];
  for (const name of names) {
    const path = join(deadLetterDir, name);
    const parked = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    const { parkedAt, lastReason, ...entry } = parked;
    const requeued = {
      ...entry,
      attempts: 0,
      redriven: { parkedAt, lastReason, at: new Date().toISOString() },
    };
    const target = join(queueDir, name);
    await writeFile(`${target}.redrive.tmp`, JSON.stringify(requeued, null, 2));
    await rename(`${target}.redrive.tmp`, target);
    await rm(path, { force: true });
    moved.push(name.slice(0, -'.json'.length));
  }
  return moved;
}
