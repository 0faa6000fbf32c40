/**
 * Deliveries of one inbound notification before SQS parks it in the dead-letter queue. One
 * constant for the three that must agree: CDK's redrive policy, the local queue, and the ingest
 * handler, whose last delivery indexes the message as a quarantined `unparsed` record instead
 * of letting it be parked (shared/inbound/last-resort). Lambda's guidance for SQS sources is at
 * least 5.
 */
export const INGEST_MAX_RECEIVE_COUNT = 5;
