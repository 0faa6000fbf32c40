import type { FunctionId } from './resource-names';

export interface FunctionLimits {
  /** Lambda's timeout: an invocation still running after this is cut off and fails. */
  timeoutSeconds: number;
  /** Lambda's memory size; on arm64 the CPU share grows with it. */
  memoryMb: number;
}

/**
 * Timeout and memory of every function, the one source both worlds read: CDK deploys each
 * Lambda with them (infra/constructs/sesame-function) and the local runtime gives each
 * function's worker the same cut-off and heap limit (infra/local/function-workers).
 */
export const FUNCTION_LIMITS: Record<FunctionId, FunctionLimits> = {
  // Parsing and scanning a message of up to 35 MB, then one transaction per recipient.
  ingest: { timeoutSeconds: 60, memoryMb: 1024 },
  // Reads: one or two queries per request; 512 MB keeps cold starts short on arm64.
  mailbox: { timeoutSeconds: 10, memoryMb: 512 },
  account: { timeoutSeconds: 10, memoryMb: 512 },
  // A CSV import of a thousand rows or a tier change re-quota'ing a tenant takes seconds;
  // 29 s stays under API Gateway's 30 s integration timeout.
  admin: { timeoutSeconds: 29, memoryMb: 512 },
  'tenant-admin': { timeoutSeconds: 29, memoryMb: 512 },
  // Large-file share (issue 9). The API only signs URLs and lists parts (a 10,000-part upload
  // is ten ListParts pages); no file byte passes it.
  shares: { timeoutSeconds: 29, memoryMb: 512 },
  // Streams one file of up to 20 GiB through the checks (~100 MB/s from S3): Lambda's longest
  // timeout; memory holds at most one archive (100 MiB) and one ClamAV buffer (25 MiB).
  'share-scan': { timeoutSeconds: 900, memoryMb: 1024 },
  // Deletes at most SHARE_LIMITS.sweepBatch shares a run, a few S3 and DynamoDB calls each.
  'share-sweep': { timeoutSeconds: 300, memoryMb: 256 },
  // Share links, public side (issue 9, share-links): a grant is a few item writes; a password
  // check is one scrypt (32 MiB, tens of ms at 512 MB).
  'share-public': { timeoutSeconds: 10, memoryMb: 512 },
  // Issue 11: walks every tenant's mailboxes once a day; Lambda's longest run.
  'mailbox-sweep': { timeoutSeconds: 900, memoryMb: 512 },
  // Sending (issue 10): composing, then hosted delivery runs the ingest pipeline in the call
  // (parse and scan up to 35 MB), within API Gateway's 30 s.
  send: { timeoutSeconds: 29, memoryMb: 1024 },
  // One SES event at a time: a status update, at most a notice and a suppression.
  'send-events': { timeoutSeconds: 30, memoryMb: 512 },
};
