import { domainError, DomainError } from '../errors/domain-error';

export class NoRecipientsError extends domainError(
  'NoRecipients',
  'The message has no recipient.',
) {}
export class TooManyRecipientsError extends domainError('TooManyRecipients') {}
export class MessageTooLargeError extends domainError('MessageTooLarge') {}
export class MailboxFullError extends domainError(
  'MailboxFull',
  'The Sent copy would overfill your mailbox: nothing was sent. Delete messages for good first.',
) {}
export class RecipientSuppressedError extends domainError('RecipientSuppressed') {}
export class AttachmentUnavailableError extends domainError('AttachmentUnavailable') {}
export class NoSuchSuppressionError extends domainError(
  'NoSuchSuppression',
  'The address is not suppressed.',
) {}
export class MessageBlockedError extends domainError('MessageBlocked') {}
/** [secure] delivery needs the share and the secure-message store, which this send lacks. */
export class SecureUnavailableError extends domainError(
  'SecureUnavailable',
  'Secure delivery to outside recipients is not available here.',
) {}
export class NoSuchDraftError extends domainError('NoSuchDraft', 'No such draft.') {}

/** A rate limit is reached: the caller may try again after `retryAfterSeconds`. */
export class SendLimitError extends DomainError {
  declare readonly code: 'SendLimitExceeded';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('SendLimitExceeded', message);
  }
}
