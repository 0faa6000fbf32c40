import type { Mailbox, Tenant } from '../mailbox/model';
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

/** What changes with a mailbox's large-mailbox add-on: the flag, the seat and the quota, together. */
export interface SeatChange {
  address: string;
  tenantId: string;
  quotaBytes: number;
}

/**
 * The tenancy port. Every method that changes more than one item does so in one DynamoDB
 * transaction (DynamoTenancyStore); conditions there, not reads here, decide races.
 */
export interface TenancyStore {
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  getMailbox(address: string): Promise<Mailbox | undefined>;
  /** Tenant and its domain claims; AlreadyExistsError or DomainTakenError. */
  createTenant(tenant: Tenant): Promise<void>;
  listTenants(limit: number, cursor?: string): Promise<Page<Tenant>>;
  /** SeatsInUseError if the seats would drop below those held. */
  updateTenant(
    tenantId: string,
    changes: Partial<Pick<Tenant, 'tier' | 'largeMailboxSeats'>>,
  ): Promise<Tenant>;
  listMembers(tenantId: string, limit: number, cursor?: string): Promise<Page<Mailbox>>;
  /** Only if the mailbox is still in that tenant; returns false if it is not. */
  setQuota(address: string, tenantId: string, quotaBytes: number): Promise<boolean>;
  /** Mailbox, folders and directory entries; AlreadyExistsError if the address is taken. */
  createMailbox(mailbox: Mailbox, directory: DirectoryEntry[]): Promise<void>;
  /** Profile fields and the directory entries that follow from them; NoSuchUserError. */
  updateProfile(
    address: string,
    tenantId: string,
    changes: Partial<Pick<Mailbox, 'displayName' | 'jobTitle' | 'role'>>,
    directory: DirectoryEntry[],
  ): Promise<void>;
  /** Takes a seat and raises the quota; false if the mailbox already holds one. NoSeatLeftError. */
  grantLargeMailbox(change: SeatChange): Promise<boolean>;
  /** Gives the seat back and lowers the quota; false if the mailbox held none. */
  revokeLargeMailbox(change: SeatChange): Promise<boolean>;
  /** Status leaver, directory entries gone, any seat given back (quota to `quotaBytes`). */
  markLeaver(address: string, tenantId: string, leftAt: string, quotaBytes: number): Promise<void>;
  /** Moves an active mailbox to another tenant: quota, seat, membership and directory at once. */
  transferMailbox(move: {
    address: string;
    fromTenantId: string;
    toTenantId: string;
    quotaBytes: number;
    returnsSeat: boolean;
    directory: DirectoryEntry[];
  }): Promise<void>;
  searchDirectory(
    partition: string,
    prefix: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<DirectoryView>>;
  putImportJob(job: ImportJob): Promise<void>;
  getImportJob(tenantId: string, jobId: string): Promise<ImportJob | undefined>;
}
