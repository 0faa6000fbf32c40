/**
 * Domain errors of tenancy, seats and imports. Each carries a stable `code` that
 * shared/http/problem.ts maps to a status; the message becomes the problem's `detail`.
 * (`AlreadyExists` is the mail store's own AlreadyExistsError.)
 */
export class NoSuchTenantError extends Error {
  readonly code = 'NoSuchTenant';
  constructor() {
    super('There is no such tenant, or it is not yours to manage.');
  }
}

export class NoSuchUserError extends Error {
  readonly code = 'NoSuchUser';
  constructor() {
    super('There is no such user in this tenant.');
  }
}

export class NoSuchImportError extends Error {
  readonly code = 'NoSuchImport';
  constructor() {
    super('There is no such import job in this tenant.');
  }
}

export class DomainTakenError extends Error {
  readonly code = 'DomainTaken';
}

export class NotPremiumError extends Error {
  readonly code = 'NotPremium';
  constructor() {
    super('Large mailboxes are a premium add-on; this tenant is not premium.');
  }
}

export class NoSeatLeftError extends Error {
  readonly code = 'NoSeatLeft';
  constructor() {
    super('Every large-mailbox seat the tenant bought is in use; buy more or take one back.');
  }
}

export class SeatsInUseError extends Error {
  readonly code = 'SeatsInUse';
}

export class NotActiveError extends Error {
  readonly code = 'NotActive';
  constructor() {
    super('The user has left; nothing about them can change but a transfer.');
  }
}

export class ForeignDomainError extends Error {
  readonly code = 'ForeignDomain';
}

export class ImportNotUploadedError extends Error {
  readonly code = 'ImportNotUploaded';
  constructor() {
    super('Nothing has been uploaded for this job yet: PUT the CSV to its upload URL first.');
  }
}

export class ImportTooLargeError extends Error {
  readonly code = 'ImportTooLarge';
}

export class ImportInvalidError extends Error {
  readonly code = 'ImportInvalid';
}
