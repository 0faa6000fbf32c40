/**
 * Whether a failed send can succeed if tried again. SES v2 refuses some requests for good: the
 * message or sender is rejected, the account or sending is paused, the request is malformed.
 * Those are permanent; so is any other 4xx answer except throttling. Throttling, 5xx answers,
 * network failures and anything unrecognised are transient: the caller lets SQS retry.
 */
export type SendFailureKind = 'permanent' | 'transient';

/** SES v2 (SendEmail) errors that no retry can fix. */
export const PERMANENT_SES_ERRORS: ReadonlySet<string> = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'LimitExceededException',
]);

/** 4xx answers that mean "slow down", not "no". */
const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
]);

const HTTP_TOO_MANY_REQUESTS = 429;

interface ServiceErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function classifySendFailure(error: unknown): SendFailureKind {
  if (typeof error !== 'object' || error === null) return 'transient';
  const { name, $metadata } = error as ServiceErrorShape;
  if (typeof name === 'string') {
    if (THROTTLING_ERRORS.has(name)) return 'transient';
    if (PERMANENT_SES_ERRORS.has(name)) return 'permanent';
  }
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === HTTP_TOO_MANY_REQUESTS ? 'transient' : 'permanent';
  }
  return 'transient';
}
