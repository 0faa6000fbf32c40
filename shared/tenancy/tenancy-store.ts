import type { AccountReads, Mailbox, Tenant } from './model';
import type { DirectoryEntry, DirectoryView } from './directory-terms';

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  next?: string;
}

/** A bulk registration job, kept on the tenant's partition. */
export interface ImportJob {
  id: string;
  tenantId: string;
  objectKey: string;
  status: 'awaiting-upload' | 'invalid' | 'validated' | 'applied';
  createdAt: string;
  updatedAt: string;
  /** sha256 of the file last run, so a re-run of the same file is recognised. */
  sha256?: string;
  dryRun?: boolean;
  rows?: ImportRowResult[];
}

export interface ImportRowResult {
  line: number;
  address?: string;
  /** created/unchanged: applied; would-create/would-keep: dry run; invalid: see errors. */
  outcome: 'created' | 'unchanged' | 'would-create' | 'would-keep' | 'invalid';
  errors?: string[];
}

/**
 * One change to a user, written in one transaction: profile fields, the directory entries that
 * follow from them, and the large-mailbox add-on (the flag, the tenant's seat and the quota move
 * together). Nothing is written unless everything holds.
 */
export interface UserUpdate {
  address: string;
  tenantId: string;
  profile: Partial<Pick<Mailbox, 'displayName' | 'jobTitle' | 'role'>>;
  /** The entries after the change; absent: the directory is left as it is. */
  directory?: DirectoryEntry[];
  /** Give (`grant`) or take back the add-on, setting the quota to `quotaBytes`. */
  seat?: { grant: boolean; quotaBytes: number };
}

/** A domain's claim: which tenant hosts it, and how many mailboxes were created on it. */
export interface DomainClaim {
  domain: string;
  tenantId: string;
  /** Mailboxes created on the domain (wherever they moved since); absent: none. */
  mailboxCount?: number;
}

/**
 * The tenancy port. Every method that changes more than one item does so in one DynamoDB
 * transaction (DynamoTenancyStore); conditions there, not reads here, decide races.
 */
export interface TenancyStore extends AccountReads {
  /** Tenant and its domain claims; AlreadyExistsError or DomainTakenError. */
  createTenant(tenant: Tenant): Promise<void>;
  listTenants(limit: number, cursor?: string): Promise<Page<Tenant>>;
  /**
   * Claims a domain for a tenant and adds it to the tenant's list, at most `maxDomains` in all.
   * `already-ours` if the tenant holds it already; DomainTakenError if another does;
   * NoSuchTenantError; TooManyDomainsError.
   */
  claimDomain(
    tenantId: string,
    domain: string,
    maxDomains: number,
  ): Promise<'claimed' | 'already-ours'>;
  getDomain(domain: string): Promise<DomainClaim | undefined>;
  /**
   * Drops the claim and takes the domain off the tenant's list, only while no mailbox was
   * created on it: DomainInUseError; NoSuchDomainError if the tenant does not hold it.
   */
  releaseDomain(tenantId: string, domain: string): Promise<void>;
  /** SeatsInUseError if the seats would drop below those held. */
  updateTenant(
    tenantId: string,
    changes: Partial<Pick<Tenant, 'tier' | 'largeMailboxSeats' | 'mailRetention'>>,
  ): Promise<Tenant>;
  listMembers(tenantId: string, limit: number, cursor?: string): Promise<Page<Mailbox>>;
  /**
   * Only if the mailbox is still in that tenant and its add-on flag is still `largeMailbox` (so a
   * concurrent grant or revoke is not overwritten); false if not.
   */
  setQuota(
    address: string,
    tenantId: string,
    quotaBytes: number,
    largeMailbox: boolean,
  ): Promise<boolean>;
  /**
   * Mailbox, folders and directory entries, and one more mailbox counted on its domain;
   * AlreadyExistsError if the address is taken, ForeignDomainError if the tenant does not hold
   * the domain (any more).
   */
  createMailbox(mailbox: Mailbox, directory: DirectoryEntry[]): Promise<void>;
  /**
   * Profile, directory and add-on in one transaction. NoSuchUserError, NotActiveError,
   * NotPremiumError, NoSeatLeftError; false (nothing written) if the add-on flag is no longer
   * the opposite of `seat.grant`, so the caller decides again on fresh data.
   */
  updateUser(update: UserUpdate): Promise<boolean>;
  /** Status leaver, directory entries gone, any seat given back (quota to `quotaBytes`). */
  markLeaver(address: string, tenantId: string, leftAt: string, quotaBytes: number): Promise<void>;
  searchDirectory(
    partition: string,
    prefix: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<DirectoryView>>;
  putImportJob(job: ImportJob): Promise<void>;
  getImportJob(tenantId: string, jobId: string): Promise<ImportJob | undefined>;
}
