import { redriveParked } from './redrive';
import { dataDirFromEnv } from './runtime-file';

/** `npm run redrive`: re-enqueue every parked ingest notification of SESAME_DATA_DIR. */
const dataDir = dataDirFromEnv();
const moved = await redriveParked(dataDir);
console.log(
  moved.length === 0
    ? `nothing parked in ${dataDir}/dead-letter`
    : `re-enqueued ${moved.length} parked notification(s) from ${dataDir}/dead-letter: ${moved.join(', ')}`,
);
