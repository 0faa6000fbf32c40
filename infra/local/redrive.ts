import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, writeFileDurably } from './durable-write';

/** A parked file that could not be re-enqueued; it stays where it is for someone to look at. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface RedriveReport {
  /** Queue ids of the re-enqueued notifications. */
  moved: string[];
  skipped: SkippedFile[];
}

class UnusableParkedFile extends Error {}

/** The parked record, if the file holds one the queue can deliver. */
function parseParked(text: string, id: string): Record<string, unknown> {
  let parked: unknown;
  try {
    parked = JSON.parse(text);
  } catch (error) {
    throw new UnusableParkedFile(`not JSON: ${(error as Error).message}`);
  }
  if (typeof parked !== 'object' || parked === null || Array.isArray(parked)) {
    throw new UnusableParkedFile('not a parked record (a JSON object)');
  }
  const record = parked as Record<string, unknown>;
  if (record.sqsMessageId !== id) {
    throw new UnusableParkedFile(`its sqsMessageId is not the file name's "${id}"`);
  }
  if (typeof record.notification !== 'object' || record.notification === null) {
    throw new UnusableParkedFile('it holds no notification');
  }
  return record;
}

/**
 * Moves parked notifications (`<dataDir>/dead-letter/*.json`) back into the local queue folder
 * with a fresh receive count, as `aws sqs start-message-move-task` does for the DLQ in AWS. A
 * running `npm start` picks them up within a second (the queue rescans its folder); otherwise
 * the next start does. Ingest is idempotent, so a redriven notification indexes at most once.
 * A file that cannot be read or is not a parked record is skipped, left in place and reported;
 * the others are moved all the same.
 */
export async function redriveParked(dataDir: string): Promise<RedriveReport> {
  const deadLetterDir = join(dataDir, 'dead-letter');
  const queueDir = join(dataDir, 'queue');
  await mkdir(queueDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const names = (await readdir(deadLetterDir).catch(() => [] as string[])).filter((name) =>
    name.endsWith('.json'),
  );
  const report: RedriveReport = { moved: [], skipped: [] };
  for (const name of names) {
    const id = name.slice(0, -'.json'.length);
    const path = join(deadLetterDir, name);
    let parked: Record<string, unknown>;
    try {
      parked = parseParked(await readFile(path, 'utf8'), id);
    } catch (error) {
      report.skipped.push({ file: path, reason: (error as Error).message });
      continue;
    }
    const { parkedAt, lastReason, ...entry } = parked;
    const requeued = {
      ...entry,
      attempts: 0,
      redriven: { parkedAt, lastReason, at: new Date().toISOString() },
    };
    // Durable in the queue before it leaves the dead-letter folder: never in neither.
    await writeFileDurably(join(queueDir, name), JSON.stringify(requeued, null, 2));
    await rm(path, { force: true });
    report.moved.push(id);
  }
  return report;
}
