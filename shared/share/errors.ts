import { domainError } from '../errors/domain-error';

/** A share the caller does not own, of another tenant, or gone: all the same 404. */
export class NoSuchShareError extends domainError('NoSuchShare', 'No such share') {}
/** The reservation would take the owner past their tier's share space. */
export class ShareSpaceExceededError extends domainError(
  'ShareSpaceExceeded',
  'Not enough share space left for this file',
) {}
/** The file is larger than the tier's largest shared file. */
export class ShareFileTooLargeError extends domainError(
  'ShareFileTooLarge',
  'The file is larger than your tier allows',
) {}
/** An upload operation on a share that is no longer uploading (completed, scanned). */
export class ShareNotUploadingError extends domainError(
  'ShareNotUploading',
  'The share is not being uploaded',
) {}
/** Completion found parts missing, or a stored size other than the declared one. */
export class ShareIncompleteError extends domainError(
  'ShareIncomplete',
  'The upload is not complete',
) {}
/**
 * An `expiresAt` that has passed: the share item's TTL would be due before the sweep's marker,
 * so DynamoDB would drop the record and keep the reservation and the bytes.
 */
export class ShareExpiryPassedError extends domainError(
  'InputValidationError',
  'expiresAt must be in the future.',
) {}
