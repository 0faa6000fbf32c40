import { domainError } from '../errors/domain-error';

/**
 * Domain errors of tenancy, seats and imports. Each carries a stable `code` that
 * shared/http/problem.ts maps to a status; the message becomes the problem's `detail`.
 * (`AlreadyExists` is shared/errors' AlreadyExistsError.)
 */
export class NoSuchTenantError extends domainError(
  'NoSuchTenant',
  'There is no such tenant, or it is not yours to manage.',
) {}

export class NoSuchUserError extends domainError(
  'NoSuchUser',
  'There is no such user in this tenant.',
) {}

export class NoSuchImportError extends domainError(
  'NoSuchImport',
  'There is no such import job in this tenant.',
) {}

export class DomainTakenError extends domainError('DomainTaken') {}

export class NotPremiumError extends domainError(
  'NotPremium',
  'Large mailboxes are a premium add-on; this tenant is not premium.',
) {}

export class NoSeatLeftError extends domainError(
  'NoSeatLeft',
  'Every large-mailbox seat the tenant bought is in use; buy more or take one back.',
) {}

export class SeatsInUseError extends domainError('SeatsInUse') {}

export class NotActiveError extends domainError(
  'NotActive',
  'The user has left; nothing about them can change but a transfer.',
) {}

export class ForeignDomainError extends domainError('ForeignDomain') {}

export class ImportNotUploadedError extends domainError(
  'ImportNotUploaded',
  'Nothing has been uploaded for this job yet: PUT the CSV to its upload URL first.',
) {}

export class ImportTooLargeError extends domainError('ImportTooLarge') {}

export class ImportInvalidError extends domainError('ImportInvalid') {}

export class NoSuchDomainError extends domainError(
  'NoSuchDomain',
  'There is no such domain in this tenant.',
) {}

export class DomainInUseError extends domainError('DomainInUse') {
  constructor(domain: string) {
    super(`Mailboxes use ${domain}; it stays until none does.`);
  }
}

export class TooManyDomainsError extends domainError('TooManyDomains') {}
export class NoSuchOfferError extends domainError(
  'NoSuchOffer',
  'There is no such transfer offer to or from this tenant.',
) {}

export class OfferNotOpenError extends domainError(
  'OfferNotOpen',
  'The transfer offer was accepted, declined or withdrawn already.',
) {}

export class OfferExpiredError extends domainError(
  'OfferExpired',
  'The transfer offer has expired; the sending tenant may offer again.',
) {}

export class TransferConflictError extends domainError(
  'TransferConflict',
  'The user kept changing while the transfer was accepted; nothing moved. Accept again.',
) {}
