import {
  AccountSuspendedException,
  BadRequestException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { classifySendFailure } from '@shared/outbound/send-failure';

const ses = (Type: new (opts: never) => Error, status: number) =>
  new Type({ message: 'from SES', $metadata: { httpStatusCode: status } } as never);
const withStatus = (status: number) =>
  Object.assign(new Error(`HTTP ${status}`), { $metadata: { httpStatusCode: status } });

describe('whether a failed send is worth retrying', () => {
  it.each([
    ['MessageRejected', ses(MessageRejected, 400)],
    ['MailFromDomainNotVerifiedException', ses(MailFromDomainNotVerifiedException, 400)],
    ['BadRequestException', ses(BadRequestException, 400)],
    ['AccountSuspendedException', ses(AccountSuspendedException, 400)],
    ['SendingPausedException', ses(SendingPausedException, 400)],
    ['LimitExceededException', ses(LimitExceededException, 400)],
    ['another 4xx answer', withStatus(403)],
  ])('%s is permanent', (_name, error) => {
    expect(classifySendFailure(error)).toBe('permanent');
  });

  it.each([
    ['TooManyRequestsException', ses(TooManyRequestsException, 429)],
    ['a bare 429', withStatus(429)],
    ['a 5xx answer', withStatus(503)],
    ['a network failure', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a disk that is full (local outbox)', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })],
    ['something that is not an error', 'oops'],
  ])('%s is transient', (_name, error) => {
    expect(classifySendFailure(error)).toBe('transient');
  });
});
