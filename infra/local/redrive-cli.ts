import { redriveParked } from './redrive';
import { dataDirFromEnv } from './runtime-file';

/**
 * `npm run redrive`: re-enqueue every parked ingest notification of SESAME_DATA_DIR. Files it
 * cannot use are listed on stderr and left in place; the exit code is then 1.
 */
const dataDir = dataDirFromEnv();
const { moved, skipped } = await redriveParked(dataDir);
console.log(
  moved.length === 0
    ? `nothing re-enqueued from ${dataDir}/dead-letter`
    : `re-enqueued ${moved.length} parked notification(s) from ${dataDir}/dead-letter: ${moved.join(', ')}`,
);
for (const { file, reason } of skipped) console.error(`skipped ${file}: ${reason}`);
if (skipped.length > 0) process.exitCode = 1;
