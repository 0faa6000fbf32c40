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
  // Sending (issue 10): composing, then hosted delivery runs the ingest pipeline in the call
  // (parse and scan up to 35 MB), within API Gateway's 30 s.
  send: { timeoutSeconds: 29, memoryMb: 1024 },
  // One SES event at a time: a status update, at most a notice and a suppression.
  'send-events': { timeoutSeconds: 30, memoryMb: 512 },
};
