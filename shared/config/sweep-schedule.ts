/**
 * When the mailbox sweep (functions/mailbox-sweep: Junk and Deleted Items retention, recoverable
 * items past the recovery window) runs: daily in AWS (an EventBridge schedule, infra/constructs/
 * mail-retention), and on a timer in the local runtime. Retention is counted in days, so running
 * more often only finds less to do.
 */
export const MAILBOX_SWEEP_SCHEDULE = {
  /** The daily run in AWS, UTC: a quiet hour for UK health and care organisations. */
  hourUtc: 3,
  minuteUtc: 17,
  /** How often the local runtime runs it (SESAME_SWEEP_INTERVAL_MS overrides, 0 turns it off). */
  localIntervalMs: 60 * 60 * 1000,
} as const;
