/**
 * When the mailbox sweep (functions/mailbox-sweep: Junk and Deleted Items retention, recoverable
 * items past the recovery window) runs: every half hour in AWS (an EventBridge schedule,
 * infra/constructs/mail-retention), and on a timer in the local runtime. Each run does a bounded
 * stretch of the pass over every mailbox and saves where it stopped (shared/mailbox/sweep-walk);
 * a finished pass begins again. Retention is counted in days, so a pass that takes several runs
 * only delays an expiry by that long.
 */
export const MAILBOX_SWEEP_SCHEDULE = {
  /** Minutes between runs in AWS: more than the function's 15-minute limit, so runs never overlap. */
  everyMinutes: 30,
  /** Queries (pages of a folder or of recoverable items) one run makes at most. */
  pagesPerRun: 2_000,
  /** The name of the sweep's resume point (`SWEEP#mailbox`/`CURSOR`). */
  cursor: 'mailbox',
  /** How often the local runtime runs it (SESAME_SWEEP_INTERVAL_MS overrides, 0 turns it off). */
  localIntervalMs: 60 * 60 * 1000,
} as const;
