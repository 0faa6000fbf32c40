import { DomainError } from '../errors/domain-error';

/**
 * The one error contract of the API: RFC 9457 problem details with a stable PascalCase `code`.
 * Domain errors (shared/errors' DomainError) carry a `code`; this table gives each its HTTP status.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  /** Seconds after which trying again can succeed (429): also sent as `Retry-After`. */
  retryAfter?: number;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Status and title of every code the API answers with. */
export const PROBLEM_CODES = {
  InputValidationError: { status: 400, title: 'The request is not valid' },
  InvalidCursor: { status: 400, title: 'The cursor is not valid' },
  Unauthorized: { status: 401, title: 'A valid bearer token is required' },
  Forbidden: { status: 403, title: 'Not allowed' },
  NoSuchMessage: { status: 404, title: 'No such message' },
  NoSuchRoute: { status: 404, title: 'No such route' },
  PayloadTooLarge: { status: 413, title: 'The request body is too large' },
  // Tenancy, tiers and quotas (shared/tenancy, shared/quota).
  NoSuchTenant: { status: 404, title: 'No such tenant' },
  NoSuchUser: { status: 404, title: 'No such user' },
  NoSuchImport: { status: 404, title: 'No such import job' },
  AlreadyExists: { status: 409, title: 'It already exists' },
  DomainTaken: { status: 409, title: 'A domain belongs to another tenant' },
  NotPremium: { status: 409, title: 'Only premium tenants have large-mailbox seats' },
  NoSeatLeft: { status: 409, title: 'No large-mailbox seat is left' },
  SeatsInUse: { status: 409, title: 'Seats are held by users' },
  NotActive: { status: 409, title: 'The user is not active' },
  ImportNotUploaded: { status: 409, title: 'The import file has not been uploaded' },
  ImportInvalid: { status: 409, title: 'Some rows of the import are not valid' },
  ImportTooLarge: { status: 413, title: 'The import file is too large' },
  ForeignDomain: { status: 400, title: 'The address is not on a domain of the tenant' },
  // Tenant domains (shared/domains).
  NoSuchDomain: { status: 404, title: 'No such domain' },
  DomainInUse: { status: 409, title: 'Mailboxes use the domain' },
  TooManyDomains: { status: 409, title: 'The tenant holds as many domains as it may' },
  // Transfer offers (shared/tenancy/transfers).
  NoSuchOffer: { status: 404, title: 'No such transfer offer' },
  OfferNotOpen: { status: 409, title: 'The transfer offer is no longer open' },
  OfferExpired: { status: 410, title: 'The transfer offer has expired' },
  TransferConflict: { status: 409, title: 'The user changed while the transfer was accepted' },
  // Inbound mail: downloads and threads (shared/mailbox/download-message).
  NoSuchAttachment: { status: 404, title: 'No such attachment' },
  NoSuchThread: { status: 404, title: 'No such thread' },
  AttachmentQuarantined: { status: 409, title: 'The message is quarantined' },
  // Large-file share (issue 9; shared/share/errors).
  NoSuchShare: { status: 404, title: 'No such share' },
  ShareSpaceExceeded: { status: 409, title: 'Not enough share space left' },
  ShareFileTooLarge: { status: 413, title: 'The file is larger than the tier allows' },
  ShareNotUploading: { status: 409, title: 'The share is not being uploaded' },
  ShareIncomplete: { status: 409, title: 'The upload is not complete' },
  // Share links and the public page (shared/share, issue 9 share-links). LinkGone is the one
  // answer for unknown, expired, revoked and exhausted links alike.
  LinkGone: { status: 410, title: 'This link is no longer available' },
  PasswordRequired: { status: 403, title: 'This link needs a password' },
  PasswordRefused: { status: 403, title: 'The password is not right' },
  TooManyAttempts: { status: 429, title: 'Too many attempts; try again later' },
  TooManyReports: { status: 429, title: 'Too many reports from this address; try again later' },
  ShareNotShareable: { status: 409, title: 'Only a file scanned clean can be shared' },
  LinkTooLong: { status: 400, title: 'The link would outlive what the tier or the share allows' },
  NoSuchLink: { status: 404, title: 'No such link' },
  RequestGone: { status: 410, title: 'This upload link is no longer available' },
  // [secure] delivery (issue 10, item 10: shared/send/secure-model).
  SecureMessageGone: { status: 410, title: 'This secure message is no longer available' },
  CodeRefused: { status: 403, title: 'The code is not right, or it has expired' },
  SessionExpired: { status: 403, title: 'The page has been open too long; ask for a new code' },
  AlreadyReplied: { status: 409, title: 'A reply to this message has already been sent' },
  AttachmentNotReady: { status: 409, title: 'The file is not available yet' },
  // Organising mail (issue 11: shared/mailbox/folders, message-state, recoverable, changes).
  NoSuchFolder: { status: 404, title: 'No such folder' },
  SystemFolder: { status: 409, title: 'System folders cannot be renamed or deleted' },
  FolderNotEmpty: { status: 409, title: 'The folder holds messages' },
  FolderHasSubfolders: { status: 409, title: 'The folder has subfolders' },
  TooManyFolders: { status: 409, title: 'The mailbox holds as many folders as it may' },
  FolderTooDeep: { status: 409, title: 'Folders do not nest that deep' },
  FolderNameTaken: { status: 409, title: 'A sibling folder has that name' },
  MessageQuarantined: { status: 409, title: 'The message is quarantined' },
  MoveNotAllowed: { status: 409, title: 'The message cannot go there' },
  OverQuota: { status: 409, title: 'The mailbox is full' },
  CannotCalculateChanges: { status: 410, title: 'The state is too old to answer changes' },
  // Search (issue 11, shared/search).
  SearchTermsRequired: { status: 400, title: 'The search has no terms' },
  TooManySearchTerms: { status: 400, title: 'The search has too many terms' },
  SearchQueryTooLong: { status: 400, title: 'The search words are too long' },
  // Sending (issue 10).
  HeaderInjection: { status: 400, title: 'A header value contains a line break or NUL' },
  InvalidAddress: { status: 400, title: 'An address is not a single valid mailbox' },
  HeaderNotAllowed: { status: 400, title: 'The header is not on the allow-list' },
  NoRecipients: { status: 400, title: 'The message has no recipient' },
  TooManyRecipients: { status: 400, title: 'The message has more recipients than the tier allows' },
  MessageTooLarge: { status: 413, title: 'The message is larger than the tier allows' },
  ItemTooLarge: { status: 413, title: 'The message is too large to keep as one record' },
  MailboxFull: { status: 409, title: 'The Sent copy would overfill the mailbox' },
  RecipientSuppressed: { status: 409, title: 'A recipient is suppressed' },
  AttachmentUnavailable: { status: 409, title: 'An attachment cannot be sent' },
  SecureUnavailable: { status: 409, title: 'Secure delivery is not available here' },
  NoSuchDraft: { status: 404, title: 'No such draft' },
  MessageBlocked: { status: 409, title: 'The message carries a virus or a blocked attachment' },
  NoSuchSuppression: { status: 404, title: 'The address is not suppressed' },
  SendLimitExceeded: { status: 429, title: 'A sending limit is reached' },
  InternalError: { status: 500, title: 'Something went wrong on our side' },
  // What API Gateway answers when the function itself fails: its environment died (502), or
  // it ran past its timeout (504).
  FunctionCrashed: { status: 502, title: 'The function ended without an answer' },
  FunctionTimeout: { status: 504, title: 'The function did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Throw one of these from a handler; the error middleware turns it into problem+json. */
export class HttpProblemError extends DomainError {
  declare readonly code: ProblemCode;
  constructor(
    code: ProblemCode,
    detail?: string,
    readonly errors?: Problem['errors'],
  ) {
    super(code, detail ?? PROBLEM_CODES[code].title);
  }
}

export function problemOf(code: ProblemCode, detail?: string, extra?: Partial<Problem>): Problem {
  const { status, title } = PROBLEM_CODES[code];
  return {
    type: `urn:sesame:problem:${code}`,
    title,
    status,
    code,
    ...(detail && { detail }),
    ...extra,
  };
}
