/**
 * Deliveries of one share bucket event before SQS parks it in the share scan's dead-letter
 * queue (issue 9): CDK's redrive policy and the local queue read this one number. A delivery
 * that finds the share not yet marked uploaded fails on purpose and comes back, so a few
 * deliveries are part of normal life; a file that cannot be read five times is parked.
 */
export const SHARE_SCAN_MAX_RECEIVE_COUNT = 5;

/** How often the expiry sweep runs in AWS (an EventBridge schedule). */
export const SHARE_SWEEP_INTERVAL_MINUTES = 60;
