import { domainError } from './domain-error';

/** A create that found the thing already there (a tenant, a mailbox, a domain claim). */
export class AlreadyExistsError extends domainError('AlreadyExists') {}
